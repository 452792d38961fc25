// Loads the schema from the URL the way GraphiQL and code generators do: the standard
// introspection query of graphql-js, then a client schema built from its answer.
import { buildClientSchema, getIntrospectionQuery } from "graphql";

const url = process.argv[2];
const query = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
});
const response = await fetch(url, {
  method: "POST",
  headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
  body: JSON.stringify({ query }),
});
const body = await response.json();
const result = { status: response.status, errors: body.errors ?? null };
if (body.data) {
  const schema = buildClientSchema(body.data);
  result.types = Object.keys(schema.getTypeMap()).length;
  result.queryFields = Object.keys(schema.getQueryType().getFields());
}
console.log(JSON.stringify(result));
