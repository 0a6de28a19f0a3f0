// /api/v1/record-types, /api/v1/records/{type}/…, /api/v1/records-due: every record type of the registry
// through one set of routes (see isms/records/service.hpp and docs/records.md).
#include <fmt/format.h>

#include <charconv>
#include <set>

#include "isms/api/json_schema.hpp"
#include "isms/api/routes.hpp"
#include "isms/core/error.hpp"
#include "isms/records/service.hpp"
#include "isms/records/values.hpp"
#include "isms/risk/register.hpp"

namespace isms::api {

namespace {

using records::ListQuery;
using records::RecordService;

// Query parameters of the record list that are not field filters.
const std::set<std::string> kListParams = {"q", "where", "state", "cursor", "limit", "archived"};

using schema::Obj;
using schema::Required;
using schema::Str;
using schema::Strs;

// records::ToJson(Record); the one-record GET adds who links to it (linked_from).
Json RecordSchema() {
    return Required(Obj(
        {{"type", Str()},
         {"id", Str()},
         {"version", {{"type", "integer"}, {"description", "changes with every write; also the ETag"}}},
         {"revision", {{"type", "integer"}, {"description", "document revision"}}},
         {"state", Str()},
         {"title", Str()},
         {"data",
          {{"type", "object"},
           {"additionalProperties", true},
           {"description", "field values; see GET /api/v1/record-types/{type}"}}},
         {"archived", {{"type", "boolean"}}},
         {"next_review", {{"type", {"string", "null"}}, {"format", "date"}}},
         {"approved_by", {{"type", {"string", "null"}}}},
         {"approved_at", {{"type", {"string", "null"}}}},
         {"created_at", Str()},
         {"created_by", Str()},
         {"updated_at", Str()},
         {"updated_by", Str()}}));
}
Json LinkerSchema() {
    Json j = Obj({{"type", Str()}, {"id", Str()}, {"field", Str()}, {"title", Str()}, {"archived", {{"type", "boolean"}}}});
    j["required"] = {"type", "id", "field"};
    return j;
}
Json RecordWithLinksSchema() {
    Json j = RecordSchema();
    j["properties"]["linked_from"] = {{"type", "array"}, {"items", LinkerSchema()}};
    j["required"].push_back("linked_from");
    j["properties"]["transition_accounts"] = {
        {"type", "object"},
        {"additionalProperties", Str()},
        {"description", "transitions only one account may make (the approver a record names), with its user name"}};
    j["required"].push_back("transition_accounts");
    return j;
}

// records::TypeMetadata: what a client needs to render a type's forms, tables and workflow.
Json TypeMetadataSchema() {
    Json field = Obj({{"name", Str()},
                      {"label", Str()},
                      {"type", Str()},
                      {"required", {{"type", "boolean"}}},
                      {"unique", {{"type", "boolean"}}},
                      {"help", Str()},
                      {"of", {{"type", "string"}, {"description", "item type of a list"}}},
                      {"values", Strs()},
                      {"to", {{"type", "string"}, {"description", "record type a person/role/link field points at"}}},
                      {"min", {{"type", "number"}}},
                      {"max", {{"type", "number"}}},
                      {"default", {{"description", "the value a new record starts with"}}}});
    field["required"] = {"name", "label", "type", "required", "unique"};
    Json transition = Obj({{"name", Str()},
                           {"label", Str()},
                           {"from", Strs()},
                           {"to", Str()},
                           {"permission", Str()},
                           {"approval", {{"type", "boolean"}}},
                           {"roles", Strs()},
                           {"requires", Strs()},
                           {"by", {{"type", "string"}, {"description", "the person field naming who makes it"}}}});
    transition["required"] = {"name", "label", "from", "to", "permission", "approval"};
    Json state = Required(Obj({{"name", Str()}, {"label", Str()}, {"locked", {{"type", "boolean"}}}}));
    Json j = Obj({{"name", Str()},
                  {"title", Str()},
                  {"plural", Str()},
                  {"clauses", Strs()},
                  {"description", Str()},
                  {"id_prefix", Str()},
                  {"title_field", Str()},
                  {"fields", {{"type", "array"}, {"items", field}}},
                  {"workflow",
                   Required(Obj({{"initial", Str()},
                                 {"states", {{"type", "array"}, {"items", state}}},
                                 {"transitions", {{"type", "array"}, {"items", transition}}}}))},
                  {"list_columns", Strs()},
                  {"versioning",
                   Obj({{"locked_states", Strs()}, {"draft_state", Str()}, {"approved_on_field", Str()}})},
                  {"review",
                   Obj({{"interval", Str()},
                        {"interval_field", Str()},
                        {"base_field", Str()},
                        {"due_field", Str()},
                        {"states", Strs()}})},
                  {"acknowledgements", Obj({{"label", Str()}, {"states", Strs()}, {"audience_field", Str()}})},
                  {"backlinks",
                   {{"type", "array"},
                    {"items", Required(Obj({{"type", Str()}, {"field", Str()}, {"label", Str()}}))}}}});
    j["required"] = {"name",        "title",       "plural", "clauses", "description", "id_prefix",
                     "title_field", "fields",      "workflow", "list_columns"};
    return j;
}

// records::ToJson(HistoryEntry): one change of a record, field by field.
Json HistorySchema() {
    Json j = Obj({{"seq", {{"type", "integer"}}},
                  {"at", Str()},
                  {"actor", Str()},
                  {"op", Str()},
                  {"version", {{"type", "integer"}}},
                  {"transition", Str()},
                  {"detail", {{"description", "what else the entry records (e.g. an acknowledgement)"}}},
                  {"changes",
                   {{"type", "array"},
                    {"items",
                     {{"type", "object"},
                      {"properties", {{"field", Str()}, {"before", Json::object()}, {"after", Json::object()}}},
                      {"required", {"field"}}}}}}});
    j["required"] = {"seq", "at", "actor", "op", "version", "changes"};
    return j;
}

Json ItemsOf(Json item_schema) {
    return {{"type", "object"},
            {"properties", {{"items", {{"type", "array"}, {"items", std::move(item_schema)}}}}},
            {"required", {"items"}}};
}

// One record whose review or expiry is due (RecordService::Due).
Json DueSchema() {
    return {{"type", "object"},
            {"properties",
             {{"type", {{"type", "string"}}},
              {"type_title", {{"type", "string"}}},
              {"id", {{"type", "string"}}},
              {"title", {{"type", "string"}}},
              {"state", {{"type", "string"}}},
              {"next_review", {{"type", "string"}, {"format", "date"}}},
              {"days_left", {{"type", "integer"}, {"description", "negative when overdue"}}}}},
            {"required", {"type", "type_title", "id", "title", "state", "next_review", "days_left"}}};
}

// records::ToJson(AcknowledgementStatus): who has and has not acknowledged the current revision.
Json AcknowledgementsSchema() {
    Json entry = {{"type", "object"},
                  {"properties",
                   {{"person", {{"type", "string"}}},
                    {"name", {{"type", "string"}}},
                    {"at", {{"type", "string"}, {"description", "when (acknowledged entries only)"}}},
                    {"actor", {{"type", "string"}, {"description", "who recorded it (acknowledged entries only)"}}}}},
                  {"required", {"person", "name"}}};
    return {{"type", "object"},
            {"properties",
             {{"revision", {{"type", "integer"}, {"description", "the revision being acknowledged"}}},
              {"label", {{"type", "string"}, {"description", "\"acknowledgement\" or \"completion\""}}},
              {"acknowledged", {{"type", "array"}, {"items", entry}}},
              {"pending", {{"type", "array"}, {"items", entry}, {"description", "the audience still to acknowledge"}}}}},
            {"required", {"revision", "label", "acknowledged", "pending"}}};
}

const Json kDataBody = {{"type", "object"},
                        {"properties",
                         {{"id", {{"type", "string"}, {"description", "optional; PREFIX-N when absent"}}},
                          {"data", {{"type", "object"}, {"description", "field values (or give the fields directly)"}}}}}};

const ParamDoc kIfMatch{"If-Match", "header", "the record's ETag (its version); 412 when it changed meanwhile"};

int ParseInt(const std::string& s, const std::string& name, int def) {
    if (s.empty()) return def;
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size())
        throw Error::InvalidInput(fmt::format("{} must be a whole number, not '{}'", name, s), {{name, "not a number"}});
    return v;
}

// If-Match: "7", W/"7", 7 or * (any version).
std::optional<int64_t> IfMatch(const Request& req) {
    std::string h = req.Header("if-match");
    if (h.empty() || h == "*") return std::nullopt;
    std::string v = h;
    if (v.rfind("W/", 0) == 0) v = v.substr(2);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    int64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size())
        throw Error::InvalidInput(fmt::format("If-Match '{}' is not an ETag of this API (\"<version>\")", h),
                                  {{"If-Match", "malformed"}});
    return n;
}

std::string ETag(const records::Record& r) { return fmt::format("\"{}\"", r.version); }

Response WithRecord(const records::Record& r, int status = 200, Json extra = nullptr) {
    Json j = records::ToJson(r);
    if (extra.is_object())
        for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = it.value();
    Response res = Response::FromJson(j, status);
    res.headers.emplace_back("ETag", ETag(r));
    if (status == 201) res.headers.emplace_back("Location", fmt::format("/api/v1/records/{}/{}", r.type, r.id));
    return res;
}

// A body is either {"data": {…}, …} or the fields themselves.
Json DataOf(const Json& body) {
    if (body.contains("data")) {
        if (!body["data"].is_object()) throw Error::InvalidInput("'data' must be an object of fields", {{"data", "object"}});
        Json d = body["data"];
        // Beside "data", a state would otherwise be ignored; the service refuses it as a field with its reason.
        if (body.contains("state")) d["state"] = body["state"];
        return d;
    }
    Json d = body;
    d.erase("id");
    return d;
}

}  // namespace

void RegisterRecordRoutes(Router& router, app::App& app) {
    RecordService& svc = app.records();
    const std::string tag = "records";

    router.Add("GET", "/api/v1/record-types",
               {.summary = "The record types this installation knows (clauses 4–7 registers and any added by YAML)",
                .tag = tag,
                .response_schema = ItemsOf(Required(
                    Obj({{"name", Str()}, {"title", Str()}, {"plural", Str()}, {"clauses", Strs()}, {"description", Str()}}))),
                .errors = {}},
               [&svc](Request& req) {
                   RequirePermission(req.ctx, Permission::kRead);
                   Json items = Json::array();
                   for (const auto& t : svc.types().types())
                       items.push_back({{"name", t.name},
                                        {"title", t.title},
                                        {"plural", t.plural},
                                        {"clauses", t.clauses},
                                        {"description", t.description}});
                   return Response::Items(std::move(items));
               });

    router.Add("GET", "/api/v1/record-types/{type}",
               {.summary = "A record type's fields, workflow, versioning, review cycle and list columns (renders forms "
                           "and tables)",
                .tag = tag,
                .response_schema = TypeMetadataSchema(),
                .errors = {404}},
               [&svc](Request& req) {
                   RequirePermission(req.ctx, Permission::kRead);
                   return Response::FromJson(records::TypeMetadata(svc.types().Get(req.Param("type"))));
               });

    router.Add("GET", "/api/v1/records/{type}",
               {.summary = "List records of a type: free text (q), state, field=value filters, cursor pagination",
                .tag = tag,
                .params = {{"q", "query", "free text found in any field, the id or the title"},
                           {"where", "query", "attribute query over the fields, e.g. classification in (confidential, "
                                              "restricted) and owner = PER-3"},
                           {"state", "query", "only records in this workflow state"},
                           {"archived", "query", "true: include archived records", false, "boolean"},
                           {"limit", "query", "page size, 1–1000 (default 50)", false, "integer"},
                           {"cursor", "query", "next_cursor of the previous page"},
                           {"FIELD", "query", "any field name: records whose field equals (or whose list contains) "
                                              "the value"}},
                .response_schema = Required(Obj({{"items", {{"type", "array"}, {"items", RecordSchema()}}},
                                                 {"next_cursor", {{"type", {"string", "null"}}}}})),
                .errors = {400, 404}},
               [&svc](Request& req) {
                   ListQuery q;
                   q.q = req.Query("q");
                   q.where = req.Query("where");
                   q.state = req.Query("state");
                   q.cursor = req.Query("cursor");
                   q.limit = ParseInt(req.Query("limit"), "limit", 50);
                   q.include_archived = req.Query("archived") == "true";
                   for (const auto& [k, v] : req.query)
                       if (!kListParams.count(k)) q.equals[k] = v;
                   auto page = svc.List(req.ctx, req.Param("type"), q);
                   Json items = Json::array();
                   for (const auto& r : page.items) items.push_back(records::ToJson(r));
                   return Response::FromJson(
                       {{"items", items},
                        {"next_cursor", page.next_cursor.empty() ? Json(nullptr) : Json(page.next_cursor)}});
               });

    router.Add("POST", "/api/v1/records/{type}",
               {.summary = "Create a record in the type's initial state",
                .tag = tag,
                .request_schema = kDataBody,
                .response_schema = RecordSchema(),
                .errors = {400, 404, 409}},
               [&svc](Request& req) {
                   Json body = req.JsonBody();
                   std::string id;
                   if (body.contains("id")) {
                       if (!body["id"].is_string()) throw Error::InvalidInput("'id' must be text", {{"id", "text"}});
                       id = body["id"].get<std::string>();
                   }
                   return WithRecord(svc.Create(req.ctx, req.Param("type"), DataOf(body), id), 201);
               });

    router.Add("GET", "/api/v1/records/{type}/{id}",
               {.summary = "One record with who links to it; ETag is its version",
                .tag = tag,
                .response_schema = RecordWithLinksSchema(),
                .errors = {404}},
               [&svc](Request& req) {
                   auto r = svc.Get(req.ctx, req.Param("type"), req.Param("id"));
                   Json linked = Json::array();
                   for (const auto& l : svc.Linkers(req.ctx, r.type, r.id))
                       linked.push_back({{"type", l.type}, {"id", l.id}, {"field", l.field}, {"title", l.title},
                                         {"archived", l.archived}});
                   Json accounts = Json::object();
                   for (const auto& [transition, username] : svc.TransitionAccounts(req.ctx, r))
                       accounts[transition] = username;
                   return WithRecord(r, 200, {{"linked_from", linked}, {"transition_accounts", accounts}});
               });

    router.Add("PATCH", "/api/v1/records/{type}/{id}",
               {.summary = "Change fields (null removes one) or archive; an approved document gets a new draft "
                           "revision instead",
                .tag = tag,
                .params = {kIfMatch},
                .request_schema = {{"type", "object"},
                                   {"properties",
                                    {{"data", {{"type", "object"}}}, {"archived", {{"type", "boolean"}}}}}},
                .response_schema = RecordSchema(),
                .errors = {400, 404, 409, 412}},
               [&svc](Request& req) {
                   Json body = req.JsonBody();
                   auto expected = IfMatch(req);
                   const std::string& type = req.Param("type");
                   const std::string& id = req.Param("id");
                   std::optional<records::Record> r;
                   bool has_archived = body.contains("archived");
                   if (has_archived) {
                       if (!body["archived"].is_boolean())
                           throw Error::InvalidInput("'archived' must be true or false", {{"archived", "boolean"}});
                       bool archived = body["archived"].get<bool>();
                       body.erase("archived");
                       // Unarchive first so that the same request may also change fields.
                       if (!archived) r = svc.SetArchived(req.ctx, type, id, false, expected);
                       Json data = DataOf(body);
                       if (!data.empty()) r = svc.Update(req.ctx, type, id, data, r ? std::optional(r->version) : expected);
                       if (archived) r = svc.SetArchived(req.ctx, type, id, true, r ? std::optional(r->version) : expected);
                   } else {
                       r = svc.Update(req.ctx, type, id, DataOf(body), expected);
                   }
                   return WithRecord(*r);
               });

    router.Add("DELETE", "/api/v1/records/{type}/{id}",
               {.summary = "Delete a record nothing links to (409 names the linkers; archive instead)",
                .tag = tag,
                .params = {kIfMatch},
                .response_schema = Json::object(),
                .errors = {404, 409, 412}},
               [&svc](Request& req) {
                   svc.Delete(req.ctx, req.Param("type"), req.Param("id"), IfMatch(req));
                   return Response::NoContent();
               });

    router.Add("POST", "/api/v1/records/{type}/{id}/transitions",
               {.summary = "Move a record along its workflow (400 names the transitions allowed from its state)",
                .tag = tag,
                .params = {kIfMatch},
                .request_schema = {{"type", "object"},
                                   {"required", {"transition"}},
                                   {"properties", {{"transition", {{"type", "string"}}}}}},
                .response_schema = RecordSchema(),
                .errors = {400, 403, 404, 409, 412},
                .success_status = 200},
               [&svc](Request& req) {
                   Json body = req.JsonBody();
                   if (!body.contains("transition") || !body["transition"].is_string())
                       throw Error::InvalidInput("name the transition: {\"transition\": \"approve\"}",
                                                 {{"transition", "required"}});
                   auto r = svc.Transition(req.ctx, req.Param("type"), req.Param("id"),
                                           body["transition"].get<std::string>(), IfMatch(req));
                   return WithRecord(r);
               });

    router.Add("GET", "/api/v1/records/{type}/{id}/history",
               {.summary = "Who changed what and when, field by field, from the change log",
                .tag = tag,
                .response_schema = ItemsOf(HistorySchema()),
                .errors = {404}},
               [&svc](Request& req) {
                   Json items = Json::array();
                   for (const auto& h : svc.History(req.ctx, req.Param("type"), req.Param("id")))
                       items.push_back(records::ToJson(h));
                   return Response::Items(std::move(items));
               });

    router.Add("GET", "/api/v1/records/{type}/{id}/revisions",
               {.summary = "Released (approved or published) revisions, readable after later edits",
                .tag = tag,
                .response_schema = ItemsOf({{"type", "object"}}),
                .errors = {404}},
               [&svc](Request& req) {
                   Json items = Json::array();
                   for (const auto& r : svc.Revisions(req.ctx, req.Param("type"), req.Param("id")))
                       items.push_back(records::ToJson(r));
                   return Response::Items(std::move(items));
               });

    router.Add("GET", "/api/v1/records/{type}/{id}/revisions/{revision}",
               {.summary = "One released revision", .tag = tag, .errors = {400, 404}},
               [&svc](Request& req) {
                   int rev = ParseInt(req.Param("revision"), "revision", 0);
                   return Response::FromJson(
                       records::ToJson(svc.GetRevision(req.ctx, req.Param("type"), req.Param("id"), rev)));
               });

    router.Add("GET", "/api/v1/records/{type}/{id}/attachments",
               {.summary = "Files stored with the record", .tag = tag, .response_schema = ItemsOf({{"type", "object"}}),
                .errors = {404}},
               [&svc](Request& req) {
                   Json items = Json::array();
                   for (const auto& a : svc.Attachments(req.ctx, req.Param("type"), req.Param("id")))
                       items.push_back(records::ToJson(a));
                   return Response::Items(std::move(items));
               });

    router.Add("POST", "/api/v1/records/{type}/{id}/attachments",
               {.summary = "Store a file with the record (raw request body, at most 5 MiB); the content type is sniffed",
                .tag = tag,
                .params = {{"filename", "query", "the file's name", true},
                           {"field", "query", "attachment field (default: the type's first)"},
                           kIfMatch},
                .request_schema = {{"type", "string"}, {"format", "binary"}},
                .response_schema = RecordSchema(),
                .errors = {400, 404, 409, 412, 413}},
               [&svc](Request& req) {
                   auto r = svc.Attach(req.ctx, req.Param("type"), req.Param("id"), req.Query("filename"), req.body,
                                       req.Query("field"), IfMatch(req));
                   return WithRecord(r, 201);
               });

    router.Add("GET", "/api/v1/records/{type}/{id}/attachments/{sha256}",
               {.summary = "Download an attachment (always as a download, never rendered inline)",
                .tag = tag,
                .errors = {404},
                .response_type = "application/octet-stream"},
               [&svc](Request& req) {
                   auto a = svc.GetAttachment(req.ctx, req.Param("type"), req.Param("id"), req.Param("sha256"));
                   Response res = Response::Raw(std::move(a.bytes), a.content_type);
                   res.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}\"", a.filename));
                   res.headers.emplace_back("Content-Security-Policy", "sandbox; default-src 'none'");
                   res.headers.emplace_back("ETag", fmt::format("\"{}\"", a.sha256));
                   return res;
               });

    router.Add("GET", "/api/v1/records/{type}/{id}/acknowledgements",
               {.summary = "Who has and has not acknowledged (or completed) the current revision",
                .tag = tag,
                .response_schema = AcknowledgementsSchema(),
                .errors = {400, 404}},
               [&svc](Request& req) {
                   return Response::FromJson(
                       records::ToJson(svc.Acknowledgements(req.ctx, req.Param("type"), req.Param("id"))));
               });

    router.Add("POST", "/api/v1/records/{type}/{id}/acknowledgements",
               {.summary = "Record that a person acknowledged (or completed) the current revision",
                .tag = tag,
                .request_schema = {{"type", "object"},
                                   {"required", {"person"}},
                                   {"properties", {{"person", {{"type", "string"}}}}}},
                .response_schema = AcknowledgementsSchema(),
                .errors = {400, 403, 404, 409}},
               [&svc](Request& req) {
                   Json body = req.JsonBody();
                   if (!body.contains("person") || !body["person"].is_string())
                       throw Error::InvalidInput("name the person: {\"person\": \"PER-1\"}", {{"person", "required"}});
                   svc.Acknowledge(req.ctx, req.Param("type"), req.Param("id"), body["person"].get<std::string>());
                   return Response::FromJson(
                       records::ToJson(svc.Acknowledgements(req.ctx, req.Param("type"), req.Param("id"))), 201);
               });

    router.Add("GET", "/api/v1/records/{type}/{id}/linkers",
               {.summary = "Records (and other entities) that link to this record", .tag = tag,
                .response_schema = ItemsOf(LinkerSchema()), .errors = {404}},
               [&svc](Request& req) {
                   Json items = Json::array();
                   for (const auto& l : svc.Linkers(req.ctx, req.Param("type"), req.Param("id")))
                       items.push_back({{"type", l.type}, {"id", l.id}, {"field", l.field}, {"title", l.title},
                                        {"archived", l.archived}});
                   return Response::Items(std::move(items));
               });

    router.Add("POST", "/api/v1/records/{type}/import",
               {.summary = "Import CSV or JSON, all or nothing: 400 lists every bad row with its line",
                .tag = tag,
                .params = {{"format", "query", "csv or json (default: from Content-Type)"}},
                .request_schema = {{"type", "string"}},
                .response_schema = {{"type", "object"},
                                    {"properties",
                                     {{"created", {{"type", "integer"}}},
                                      {"updated", {{"type", "integer"}}},
                                      {"ids", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}},
                .errors = {400, 404}},
               [&svc](Request& req) {
                   std::string format = req.Query("format");
                   if (format.empty()) {
                       std::string ct = req.Header("content-type");
                       format = ct.find("csv") != std::string::npos ? "csv" : "json";
                   }
                   auto r = svc.Import(req.ctx, req.Param("type"), records::ParseDataFormat(format), req.body);
                   return Response::FromJson({{"created", r.created}, {"updated", r.updated}, {"ids", r.ids}}, 201);
               });

    router.Add("GET", "/api/v1/records/{type}/export",
               {.summary = "Export every record of a type (same filters as the list) as CSV or JSON",
                .tag = tag,
                .params = {{"format", "query", "csv (default) or json"},
                           {"q", "query", "free text"},
                           {"where", "query", "attribute query over the fields"},
                           {"state", "query", "only this state"},
                           {"archived", "query", "true: include archived", false, "boolean"}},
                .errors = {400, 404},
                .response_type = "text/csv"},
               [&svc](Request& req) {
                   auto format = records::ParseDataFormat(req.Query("format", "csv"));
                   ListQuery q;
                   q.q = req.Query("q");
                   q.where = req.Query("where");
                   q.state = req.Query("state");
                   q.include_archived = req.Query("archived") == "true";
                   for (const auto& [k, v] : req.query)
                       if (!kListParams.count(k) && k != "format") q.equals[k] = v;
                   const std::string& type = req.Param("type");
                   std::string body = svc.Export(req.ctx, type, format, q);
                   bool csv = format == records::DataFormat::kCsv;
                   Response res = Response::Raw(std::move(body), csv ? "text/csv; charset=utf-8" : "application/json");
                   res.headers.emplace_back("Content-Disposition",
                                            fmt::format("attachment; filename=\"{}.{}\"", type, csv ? "csv" : "json"));
                   return res;
               });

    router.Add("GET", "/api/v1/records-due",
               {.summary = "Records of every type, and open risks (type \"risk\"), whose review or expiry date has "
                           "passed or falls within N days",
                .tag = tag,
                .params = {{"within", "query", "days ahead (default 30)", false, "integer"}},
                .response_schema = ItemsOf(DueSchema()),
                .errors = {400}},
               [&svc, &app](Request& req) {
                   Json items = Json::array();
                   for (const auto& d : risk::DueAcrossTheIsms(req.ctx, svc, app.risks(), ParseInt(req.Query("within"), "within", 30)))
                       items.push_back({{"type", d.type},
                                        {"type_title", d.type_title},
                                        {"id", d.id},
                                        {"title", d.title},
                                        {"state", d.state},
                                        {"next_review", d.next_review},
                                        {"days_left", d.days_left}});
                   return Response::Items(std::move(items));
               });
}

}  // namespace isms::api
