// Small builders for the JSON Schemas of RouteDoc (request_schema, response_schema). The OpenAPI document is
// generated from them, the web application's types are generated from that, and the integration test
// OpenApiTest.JsonAnswersOfTheDemoMatchTheirDocumentedSchemas validates the server's answers against them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "isms/core/json.hpp"

namespace isms::api::schema {

inline Json Obj(Json properties) { return {{"type", "object"}, {"properties", std::move(properties)}}; }
inline Json Str() { return {{"type", "string"}}; }
inline Json Int() { return {{"type", "integer"}}; }
inline Json Strs() { return {{"type", "array"}, {"items", Str()}}; }
inline Json Enum(const std::vector<std::string>& values) { return {{"type", "string"}, {"enum", values}}; }

// `schema` (an object schema) with every property it lists required: for answers that always carry them all.
inline Json Required(Json schema) {
    Json names = Json::array();
    for (const auto& [k, v] : schema["properties"].items()) names.push_back(k);
    schema["required"] = names;
    return schema;
}

// `schema` that may also be null.
inline Json Nullable(Json schema) {
    schema["type"] = {schema["type"], "null"};
    return schema;
}

// {"items": [item…]}, items required.
inline Json ListOf(const Json& item) { return Required(Obj({{"items", {{"type", "array"}, {"items", item}}}})); }

}  // namespace isms::api::schema
