/**
 * A JSON document that Postgres has already written (`json_build_object(...)::text`): sent as
 * it is, instead of being parsed into objects only to be stringified again. For large answers
 * (the customer document) that round trip is most of the API's own CPU time per request.
 */
export class JsonText {
  constructor(readonly text: string) {}
}
