/* eslint-disable */
/* tslint:disable */
// This file is generated. Do not edit it manually.

import * as sdk from "@botpress/sdk"

import definition from "./definition"

export default {
  type: "interface",
  id: undefined,
  uri: undefined,
  name: "hitl",
  version: "2.1.0",
  definition,
} satisfies sdk.InterfacePackage