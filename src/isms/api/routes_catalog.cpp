// /api/v1/frameworks…, /api/v1/transition/{id}, /api/v1/views…: the control catalog, its query language and
// saved views. Handlers read the request, call the catalog or view service with req.ctx (which checks the
// permission) and render with isms/catalog/render.hpp, the same shaping the CLI uses.
#include <fmt/format.h>

#include <set>

#include "isms/api/routes.hpp"
#include "isms/catalog/render.hpp"
#include "isms/core/error.hpp"

namespace isms::api {

namespace {

namespace cat = isms::catalog;

const std::vector<ParamDoc>& QueryParams() {
    static const std::vector<ParamDoc> k = {
        {"where", "query",
         "filter in the attribute query language, e.g. control_type=Detective and security_properties=Integrity "
         "(operators = != ~ !~ in, not in, and, or, not, parentheses; see docs/catalog.md)"},
        {"sort", "query", "comma-separated fields, '-' before a field for descending: theme,-title"},
        {"group_by", "query", "one field; a control appears in each of its groups"},
        {"pivot", "query", "ROWS,COLUMNS: a count matrix of two fields"},
        {"columns", "query", "fields of the CSV rendering (format=csv)"},
        {"format", "query", "json (default) or csv"},
    };
    return k;
}

Json StringArray() { return {{"type", "array"}, {"items", {{"type", "string"}}}}; }

// cat::ControlJson: a control in a list, or (`detail`) with its built-in attributes, overrides, attributes_version,
// predecessors' titles and imported text; for an imported framework (OSCAL's JSON form, see docs/catalog.md) also
// class, params, props, links, parts, parent and enhancements, and no predecessors (nor text unless imported).
// theme and new_in_2022 exist for frameworks that have them.
Json ControlSchema(bool detail = false) {
    Json predecessor = detail ? Json{{"type", "object"},
                                     {"properties", {{"id", {{"type", "string"}}}, {"title", {{"type", "string"}}}}},
                                     {"required", {"id", "title"}}}
                              : Json{{"type", "string"}};
    Json j = {{"type", "object"},
              {"properties",
               {{"id", {{"type", "string"}}},
                {"title", {{"type", "string"}}},
                {"theme", {{"type", "string"}}},
                {"new_in_2022", {{"type", "boolean"}}},
                {"attributes", {{"type", "object"}, {"additionalProperties", StringArray()}}},
                {"overridden", {{"type", "boolean"}}},
                {"predecessors", {{"type", "array"}, {"items", predecessor}}},
                {"has_text", {{"type", "boolean"}}}}},
              {"required", {"id", "title", "attributes", "overridden"}}};
    if (!detail) {
        j["required"].push_back("predecessors");
        j["required"].push_back("has_text");
        return j;
    }
    Json& p = j["properties"];
    p["built_in_attributes"] = {{"type", "object"}, {"additionalProperties", StringArray()}};
    p["overridden_families"] = StringArray();
    p["attributes_version"] = {{"type", "integer"}, {"description", "changes with every retag; also the ETag"}};
    p["text"] = {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}};
    p["text_source"] = {{"type", {"string", "null"}}};
    p["text_updated_at"] = {{"type", {"string", "null"}}};
    p["framework"] = {{"type", "string"}};
    Json object_array = {{"type", "array"}, {"items", {{"type", "object"}}}};
    p["class"] = {{"type", "string"}};
    p["params"] = object_array;
    p["props"] = object_array;
    p["links"] = object_array;
    p["parts"] = object_array;
    p["parent"] = {{"type", "string"}};
    p["enhancements"] = {{"type", "array"},
                         {"items",
                          {{"type", "object"},
                           {"properties", {{"id", {{"type", "string"}}}, {"title", {{"type", "string"}}}}},
                           {"required", {"id", "title"}}}}};
    for (const char* k : {"built_in_attributes", "overridden_families", "attributes_version", "framework"})
        j["required"].push_back(k);
    return j;
}

Json ListSchema() {
    return {{"type", "object"},
            {"properties",
             {{"framework", {{"type", "string"}}},
              {"where", {{"type", "string"}}},
              {"sort", {{"type", "string"}}},
              {"count", {{"type", "integer"}}},
              {"total", {{"type", "integer"}}},
              {"controls", {{"type", "array"}, {"items", ControlSchema()}}},
              {"group_by", {{"type", "string"}}},
              {"groups",
               {{"type", "array"},
                {"items",
                 {{"type", "object"},
                  {"properties",
                   {{"value", {{"type", "string"}}}, {"count", {{"type", "integer"}}}, {"controls", StringArray()}}},
                  {"required", {"value", "count", "controls"}}}}}},
              {"pivot",
               {{"type", "object"},
                {"properties",
                 {{"rows", {{"type", "string"}}},
                  {"columns", {{"type", "string"}}},
                  {"row_values", StringArray()},
                  {"column_values", StringArray()},
                  {"cells", {{"type", "array"}, {"items", {{"type", "array"}, {"items", {{"type", "integer"}}}}}}},
                  {"row_totals", {{"type", "array"}, {"items", {{"type", "integer"}}}}},
                  {"column_totals", {{"type", "array"}, {"items", {{"type", "integer"}}}}},
                  {"total", {{"type", "integer"}}}}},
                {"required",
                 {"rows", "columns", "row_values", "column_values", "cells", "row_totals", "column_totals", "total"}}}}}},
            {"required", {"framework", "count", "total", "controls"}}};
}

// One field of the query language (cat::VocabularyJson).
Json VocabularyFieldSchema() {
    return {{"type", "object"},
            {"properties",
             {{"name", {{"type", "string"}}},
              {"description", {{"type", "string"}}},
              {"free_text", {{"type", "boolean"}, {"description", "values are free text, not a closed list"}}},
              {"multi_valued", {{"type", "boolean"}}},
              {"overridable", {{"type", "boolean"}, {"description", "an organisation may override its tags"}}},
              {"values",
               {{"type", "array"},
                {"items",
                 {{"type", "object"},
                  {"properties", {{"value", {{"type", "string"}}}, {"count", {{"type", "integer"}}}}},
                  {"required", {"value", "count"}}}}}}}},
            {"required", {"name", "description", "free_text", "multi_valued", "overridable", "values"}}};
}

Json ViewSchema(bool name_required) {
    Json s = {{"type", "object"},
              {"properties",
               {{"name", {{"type", "string"}, {"pattern", "^[a-z0-9][a-z0-9._-]{0,63}$"}}},
                {"framework", {{"type", "string"}}},
                {"description", {{"type", "string"}}},
                {"where", {{"type", "string"}}},
                {"sort", {{"type", "string"}}},
                {"group_by", {{"type", "string"}}},
                {"pivot", {{"type", "string"}}},
                {"columns", {{"type", "string"}}},
                {"created_by", {{"type", "string"}, {"readOnly", true}}},
                {"updated_at", {{"type", "string"}, {"readOnly", true}}},
                {"version",
                 {{"type", "integer"}, {"readOnly", true}, {"description", "changes with every save; also the ETag"}}}}}};
    if (name_required) s["required"] = {"name"};
    return s;
}

// A saved view as answers carry it (cat::ViewJson: every field).
Json ViewAnswerSchema() {
    Json s = ViewSchema(true);
    s["required"] = {"name", "framework", "description", "where", "sort", "group_by", "pivot", "columns", "created_by",
                     "updated_at", "version"};
    return s;
}

// The CSV or JSON rendering of a query result, as format= asks.
Response ListResponse(const cat::ControlList& list, const Request& req) {
    std::string format = req.Query("format", "json");
    if (format == "json") return Response::Raw(cat::ListJsonText(list), "application/json");
    if (format != "csv")
        throw Error::InvalidInput(fmt::format("unknown format '{}'", format),
                                  {{.field = "format", .message = "unknown format", .allowed = {"json", "csv"}}});
    const auto& sel = list.selection;
    io::Table t;
    if (sel.pivot) {
        t = cat::PivotTable(*sel.pivot);
    } else {
        auto columns = list.columns.empty() ? cat::DefaultColumns(*list.snapshot, false) : list.columns;
        t = sel.group_by.empty() ? cat::ControlsTable(list, sel.items, columns, false, true)
                                 : cat::GroupedTable(list, columns, true);
    }
    return Response::Raw(io::RenderCsv(t), "text/csv; charset=utf-8");
}

std::string StringField(const Json& body, const char* name) {
    if (!body.contains(name) || body[name].is_null()) return "";
    if (!body[name].is_string())
        throw Error::InvalidInput(fmt::format("'{}' must be a string", name),
                                  {{.field = std::string("/") + name, .message = "expected a string"}});
    return body[name].get<std::string>();
}

cat::SavedView ViewFromBody(const Json& body) {
    static const std::set<std::string> kKnown = {"name",  "framework", "description", "where",     "sort",
                                                 "group_by", "pivot",  "columns",     "created_by", "updated_at"};
    for (const auto& [k, _] : body.items())
        if (!kKnown.count(k))
            throw Error::InvalidInput(fmt::format("unknown field '{}' in the view", k),
                                      {{.field = "/" + k,
                                        .message = "unknown field",
                                        .allowed = {"name", "framework", "description", "where", "sort", "group_by",
                                                    "pivot", "columns"}}});
    cat::SavedView v;
    v.name = StringField(body, "name");
    if (std::string f = StringField(body, "framework"); !f.empty()) v.framework = f;
    v.description = StringField(body, "description");
    v.where = StringField(body, "where");
    v.sort = StringField(body, "sort");
    v.group_by = StringField(body, "group_by");
    v.pivot = StringField(body, "pivot");
    v.columns = StringField(body, "columns");
    return v;
}

// {"set": {"family": ["V", …] | "V"}, "add": {…}, "remove": {…}, "reset": ["family", …], "reset_all": true}
std::vector<cat::AttributeChange> ChangesFromBody(const Json& body) {
    using K = cat::AttributeChange::Kind;
    std::vector<cat::AttributeChange> out;
    for (const auto& [k, _] : body.items())
        if (k != "set" && k != "add" && k != "remove" && k != "reset" && k != "reset_all")
            throw Error::InvalidInput(
                fmt::format("unknown field '{}'", k),
                {{.field = "/" + k, .message = "unknown field", .allowed = {"set", "add", "remove", "reset", "reset_all"}}});
    if (body.contains("reset_all")) {
        if (!body["reset_all"].is_boolean())
            throw Error::InvalidInput("'reset_all' must be a boolean", {{.field = "/reset_all", .message = "boolean"}});
        if (body["reset_all"].get<bool>()) out.push_back({K::kReset, "", {}});
    }
    if (body.contains("reset")) {
        const Json& r = body["reset"];
        if (!r.is_array())
            throw Error::InvalidInput("'reset' must be an array of family names", {{.field = "/reset", .message = "array"}});
        for (const auto& f : r) {
            if (!f.is_string())
                throw Error::InvalidInput("'reset' must be an array of family names",
                                          {{.field = "/reset", .message = "array of strings"}});
            out.push_back({K::kReset, f.get<std::string>(), {}});
        }
    }
    for (auto [name, kind] : {std::pair{"set", K::kSet}, {"add", K::kAdd}, {"remove", K::kRemove}}) {
        if (!body.contains(name)) continue;
        const Json& m = body[name];
        std::string ptr = std::string("/") + name;
        if (!m.is_object())
            throw Error::InvalidInput(fmt::format("'{}' must map families to values", name),
                                      {{.field = ptr, .message = "expected an object"}});
        for (const auto& [family, values] : m.items()) {
            cat::AttributeChange c{kind, family, {}};
            if (values.is_string()) {
                c.values.push_back(values.get<std::string>());
            } else if (values.is_array()) {
                for (const auto& v : values) {
                    if (!v.is_string())
                        throw Error::InvalidInput(fmt::format("values of '{}' must be strings", family),
                                                  {{.field = ptr + "/" + family, .message = "expected strings"}});
                    c.values.push_back(v.get<std::string>());
                }
            } else {
                throw Error::InvalidInput(fmt::format("values of '{}' must be a string or an array of strings", family),
                                          {{.field = ptr + "/" + family, .message = "expected strings"}});
            }
            if (c.values.empty())
                throw Error::InvalidInput(fmt::format("no value for '{}' (to go back to the standard, use reset)", family),
                                          {{.field = ptr + "/" + family, .message = "no value"}});
            out.push_back(std::move(c));
        }
    }
    return out;
}

// One control in detail, its attributes_version as the ETag (If-Match of PUT …/attributes).
Response ControlResponse(const cat::Control& c) {
    Response res = Response::FromJson(cat::ControlJson(c, true));
    res.headers.emplace_back("ETag", VersionETag(c.attributes_version));
    return res;
}

// A saved view, its version as the ETag (If-Match of PUT and DELETE).
Response ViewResponse(const cat::SavedView& v, int status = 200) {
    Response res = Response::FromJson(cat::ViewJson(v), status);
    res.headers.emplace_back("ETag", VersionETag(v.version));
    return res;
}

cat::ControlQuery QueryFrom(const Request& req) {
    cat::ControlQuery q;
    q.framework = req.Param("framework");
    q.spec = {req.Query("where"), req.Query("sort"), req.Query("group_by"), req.Query("pivot")};
    q.columns = req.Query("columns");
    return q;
}

}  // namespace

void RegisterCatalogRoutes(Router& router, app::App& app) {
    router.Add("GET", "/api/v1/frameworks",
               {.summary = "Control frameworks: the built-in ISO/IEC 27002:2022 and those the organisation imported",
                .tag = "catalog",
                .response_schema = {{"type", "object"},
                                    {"properties",
                                     {{"items",
                                       {{"type", "array"},
                                        {"items",
                                         {{"type", "object"},
                                          {"properties",
                                           {{"id", {{"type", "string"}}},
                                            {"name", {{"type", "string"}}},
                                            {"version", {{"type", "string"}}},
                                            {"source", {{"type", "string"}}},
                                            {"built_in", {{"type", "boolean"}}},
                                            {"controls", {{"type", "integer"}}},
                                            {"data_hash", {{"type", "string"}}},
                                            {"loaded_at", {{"type", "string"}}},
                                            {"attribute_families", {{"description", "the framework's attribute families"}}}}},
                                          {"required", {"id", "name", "version", "source", "built_in", "controls"}}}}}}}},
                                    {"required", {"items"}}},
                .errors = {}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& f : app.catalog().Frameworks(req.ctx)) items.push_back(cat::FrameworkJson(f));
                   return Response::Items(std::move(items));
               });

    router.Add("GET", "/api/v1/frameworks/{framework}/controls",
               {.summary = "Controls filtered, sorted, grouped or pivoted by attribute (effective attributes: the "
                           "organisation's overrides applied)",
                .tag = "catalog",
                .params = QueryParams(),
                .response_schema = ListSchema()},
               [&app](Request& req) { return ListResponse(app.catalog().Query(req.ctx, QueryFrom(req)), req); });

    router.Add("GET", "/api/v1/frameworks/{framework}/controls/{id}",
               {.summary = "One control: attributes (effective and built-in); for ISO/IEC 27002 the 2013 predecessors "
                           "and licensed text, for an imported framework the control's parameters, parts (statement, "
                           "guidance), props, links, parent and enhancements; ETag is its attributes_version",
                .tag = "catalog",
                .response_schema = ControlSchema(true),
                .errors = {404}},
               [&app](Request& req) {
                   return ControlResponse(app.catalog().Show(req.ctx, req.Param("id"), req.Param("framework")));
               });

    router.Add("PUT", "/api/v1/frameworks/{framework}/controls/{id}/attributes",
               {.summary = "Retag a control for the organisation (set, add, remove, reset attribute values); "
                           "recorded in the change log as control_override",
                .tag = "catalog",
                .params = {IfMatchParam("the control's ETag (its attributes_version)")},
                .request_schema = {{"type", "object"},
                                   {"properties",
                                    {{"set", {{"type", "object"}, {"additionalProperties", StringArray()}}},
                                     {"add", {{"type", "object"}, {"additionalProperties", StringArray()}}},
                                     {"remove", {{"type", "object"}, {"additionalProperties", StringArray()}}},
                                     {"reset", StringArray()},
                                     {"reset_all", {{"type", "boolean"}}}}}},
                .response_schema = ControlSchema(true),
                .errors = {400, 404, 412}},
               [&app](Request& req) {
                   auto changes = ChangesFromBody(req.JsonBody());
                   return ControlResponse(app.catalog().ChangeAttributes(req.ctx, req.Param("id"), changes,
                                                                         req.Param("framework"), IfMatchVersion(req)));
               });

    router.Add("POST", "/api/v1/frameworks/{framework}/texts",
               {.summary = "Import control descriptions from the organisation's licensed copy (CSV: id,description"
                           "[,purpose,guidance,other_information]); all or nothing, errors name line and field",
                .tag = "catalog",
                .params = {{"source", "query", "where the text comes from, kept with it (default: api)"}},
                .request_schema = {{"type", "string"}},
                .response_schema = {{"type", "object"},
                                    {"properties",
                                     {{"imported", {{"type", "integer"}}},
                                      {"unchanged", {{"type", "integer"}}},
                                      {"ids", StringArray()}}}},
                .errors = {400, 404, 413},
                .request_type = "text/csv",
                .success_status = 200},
               [&app](Request& req) {
                   auto r = app.catalog().ImportTexts(req.ctx, req.body, req.Query("source", "api"),
                                                      req.Param("framework"));
                   return Response::FromJson({{"imported", r.imported}, {"unchanged", r.unchanged}, {"ids", r.ids}});
               });

    router.Add("GET", "/api/v1/frameworks/{framework}/vocabulary",
               {.summary = "The fields of the query language with their values and how many controls carry each",
                .tag = "catalog",
                .response_schema = {{"type", "object"},
                                    {"properties", {{"fields", {{"type", "array"}, {"items", VocabularyFieldSchema()}}}}},
                                    {"required", {"fields"}}},
                .errors = {404}},
               [&app](Request& req) {
                   return Response::FromJson(cat::VocabularyJson(app.catalog().VocabularyOf(req.ctx, req.Param("framework"))));
               });

    router.Add("GET", "/api/v1/transition/{id}",
               {.summary = "ISO/IEC 27001:2013 to 2022 mapping, both directions: A.12.4.1 gives its 2022 controls, "
                           "8.15 its 2013 predecessors",
                .tag = "catalog",
                .response_schema = {{"type", "object"},
                                    {"properties",
                                     {{"id", {{"type", "string"}}},
                                      {"direction", {{"type", "string"}, {"enum", {"2013->2022", "2022->2013"}}}},
                                      {"new_in_2022", {{"type", "boolean"}}},
                                      {"mapping", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}}},
               [&app](Request& req) {
                   return Response::FromJson(cat::TransitionJson(app.catalog().TransitionOf(req.ctx, req.Param("id"))));
               });

    router.Add("GET", "/api/v1/views",
               {.summary = "Saved views of the organisation",
                .tag = "views",
                .response_schema = {{"type", "object"},
                                    {"properties", {{"items", {{"type", "array"}, {"items", ViewAnswerSchema()}}}}},
                                    {"required", {"items"}}},
                .errors = {}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& v : app.views().List(req.ctx)) items.push_back(cat::ViewJson(v));
                   return Response::Items(std::move(items));
               });

    router.Add("POST", "/api/v1/views",
               {.summary = "Save a new view (409 when the name is taken)",
                .tag = "views",
                .request_schema = ViewSchema(true),
                .response_schema = ViewAnswerSchema(),
                .errors = {400, 409}},
               [&app](Request& req) {
                   auto v = app.views().Save(req.ctx, ViewFromBody(req.JsonBody()), cat::ViewService::SaveMode::kCreate);
                   auto res = ViewResponse(v, 201);
                   res.headers.emplace_back("Location", "/api/v1/views/" + v.name);
                   return res;
               });

    router.Add("GET", "/api/v1/views/{name}",
               {.summary = "A saved view's definition; ETag is its version",
                .tag = "views",
                .response_schema = ViewAnswerSchema(),
                .errors = {404}},
               [&app](Request& req) { return ViewResponse(app.views().Get(req.ctx, req.Param("name"))); });

    router.Add("PUT", "/api/v1/views/{name}",
               {.summary = "Replace a saved view's definition (create one with POST)",
                .tag = "views",
                .params = {IfMatchParam("the view's ETag (its version)")},
                .request_schema = ViewSchema(false),
                .response_schema = ViewAnswerSchema(),
                .errors = {400, 404, 412}},
               [&app](Request& req) {
                   Json body = req.JsonBody();
                   auto v = ViewFromBody(body);
                   if (!v.name.empty() && v.name != req.Param("name"))
                       throw Error::InvalidInput(
                           fmt::format("the body names the view '{}' but the URL '{}'", v.name, req.Param("name")),
                           {{.field = "/name", .message = "differs from the URL"}});
                   v.name = req.Param("name");
                   auto expected = IfMatchVersion(req);
                   return ViewResponse(app.views().Save(req.ctx, v, cat::ViewService::SaveMode::kReplace, nullptr,
                                                        expected));
               });

    router.Add("DELETE", "/api/v1/views/{name}",
               {.summary = "Delete a saved view",
                .tag = "views",
                .params = {IfMatchParam("the view's ETag (its version)")},
                .response_schema = Json::object(),
                .errors = {404, 412}},
               [&app](Request& req) {
                   app.views().Delete(req.ctx, req.Param("name"), IfMatchVersion(req));
                   return Response::NoContent();
               });

    router.Add("GET", "/api/v1/views/{name}/run",
               {.summary = "Run a saved view over the organisation's controls (as the controls listing; format=csv "
                           "too)",
                .tag = "views",
                .params = {{"format", "query", "json (default) or csv"}},
                .response_schema = ListSchema(),
                .errors = {400, 404}},
               [&app](Request& req) { return ListResponse(app.views().Run(req.ctx, req.Param("name")), req); });
}

}  // namespace isms::api
