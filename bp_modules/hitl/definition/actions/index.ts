/* eslint-disable */
/* tslint:disable */
// This file is generated. Do not edit it manually.
import * as createUser from "./createUser/index";
export * as createUser from "./createUser/index";
import * as startHitl from "./startHitl/index";
export * as startHitl from "./startHitl/index";
import * as stopHitl from "./stopHitl/index";
export * as stopHitl from "./stopHitl/index";

export const actions = {
  "createUser": createUser.createUser,
  "startHitl": startHitl.startHitl,
  "stopHitl": stopHitl.stopHitl,
}
