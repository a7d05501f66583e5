/* eslint-disable */
/* tslint:disable */
// This file is generated. Do not edit it manually.

import * as sdk from "@botpress/sdk"

import * as actions from "./actions/index"
import * as channels from "./channels/index"
import * as events from "./events/index"
import * as entities from "./entities/index"
export * as actions from "./actions/index"
export * as channels from "./channels/index"
export * as events from "./events/index"
export * as entities from "./entities/index"

export default {
  name: "hitl",
  version: "2.1.0",
  attributes: {},
  actions: actions.actions,
  channels: channels.channels,
  events: events.events,
  entities: entities.entities,
} satisfies sdk.InterfacePackage["definition"]