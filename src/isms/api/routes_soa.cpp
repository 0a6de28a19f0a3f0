// /api/v1/soa/…: the Statement of Applicability (27001 6.1.3 d): the derived statement with its filter,
// decisions per control, the "none overlooked" check, approved versions, their differences and exports.
#include <fmt/format.h>

#include "isms/api/json_schema.hpp"
#include "isms/api/routes.hpp"
#include "isms/core/error.hpp"
#include "isms/soa/exports.hpp"

namespace isms::api {

namespace {

using schema::Obj;
using schema::Str;
using schema::Int;
using schema::Strs;
using schema::Required;

// Entry::ToJson, CheckItem::ToJson, Summary::ToJson, Version::ToJson, Change::ToJson.
const Json kEntry = Required(Obj(
    {{"control", Str()},
     {"title", Str()},
     {"theme", Str()},
     {"attributes", {{"type", "object"}, {"additionalProperties", Strs()}}},
     {"applicability", {{"type", "string"}, {"enum", soa::ApplicabilityNames()}}},
     {"decided_by", Str()},
     {"risks", Strs()},
     {"requirements",
      {{"type", "array"},
       {"items", Required(Obj({{"type", Str()}, {"id", Str()}, {"title", Str()}, {"basis", Str()}}))}}},
     {"business_need", Str()},
     {"exclusion_reason", Str()},
     {"status", {{"type", "string"}, {"enum", soa::StatusNames()}}},
     {"notes", Str()},
     {"evidence", Strs()},
     {"owner", Str()},
     {"version", {{"type", "integer"}, {"description", "the decision's version; the ETag"}}}}));
const Json kCheckItem = Required(Obj({{"kind", {{"type", "string"}, {"enum", soa::CheckKindNames()}}},
                                      {"control", Str()},
                                      {"title", Str()},
                                      {"message", Str()},
                                      {"refs", Strs()}}));
const Json kSummary = Required(Obj({{"controls", Int()},
                                    {"applicable", Int()},
                                    {"not_applicable", Int()},
                                    {"undecided", Int()},
                                    {"by_status", {{"type", "object"}, {"additionalProperties", Int()}}},
                                    {"open_items", Int()}}));
const Json kVersion = Required(Obj({{"version", Int()},
                                    {"approved_at", Str()},
                                    {"approved_by", Str()},
                                    {"criteria_version", Int()},
                                    {"comment", Str()},
                                    {"override_reason", Str()},
                                    {"open_items", Int()},
                                    {"hash", Str()}}));
const Json kVersionWithEntries = [] {
    Json j = kVersion;
    j["properties"]["entries"] = {{"type", "array"}, {"items", kEntry}};
    j["properties"]["check"] = {{"type", "array"}, {"items", kCheckItem}};
    j["required"].push_back("entries");
    j["required"].push_back("check");
    return j;
}();
const Json kChange = Required(Obj({{"control", Str()},
                                   {"title", Str()},
                                   {"field", Str()},
                                   {"before", {{"description", "the value in the older version"}}},
                                   {"after", {{"description", "the value in the newer version"}}}}));

int VersionParam(const std::string& text, const std::string& field) {
    std::string v = text;
    if (v == "current") return 0;
    if (!v.empty() && (v[0] == 'v' || v[0] == 'V')) v = v.substr(1);
    bool digits = !v.empty() && v.size() < 9 && v.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoi(v) < 1)
        throw Error::InvalidInput(fmt::format("'{}' is not a SoA version: use a number such as 3 (or v3), or "
                                              "\"current\"",
                                              text),
                                  {{field, "not a version"}});
    return std::stoi(v);
}

Response EntryResponse(const soa::Entry& e) {
    auto r = Response::FromJson(e.ToJson());
    r.headers.emplace_back("ETag", VersionETag(e.version));
    return r;
}

// The statement to export: an approved version (?version=N) or the current one.
soa::ExportData ExportDataFor(app::App& app, const Request& req) {
    auto org = app.organisations().FindBySlugOrId(req.ctx.org_id);
    soa::ExportData d;
    d.organisation = org ? org->name : req.ctx.org_id;
    int version = req.HasQuery("version") ? VersionParam(req.Query("version"), "version") : 0;
    if (version) {
        d.version = app.soa().GetVersion(req.ctx, version);
        d.entries = d.version->entries;
    } else {
        d.entries = app.soa().Current(req.ctx);
    }
    return d;
}

std::string Slug(app::App& app, const Context& ctx) {
    auto o = app.organisations().FindBySlugOrId(ctx.org_id);
    return o ? o->slug : "isms";
}

}  // namespace

void RegisterSoaRoutes(Router& router, app::App& app) {
    router.Add("GET", "/api/v1/soa",
               {.summary = "The Statement of Applicability: 93 entries (filtered with the catalog query language) "
                           "and a summary",
                .tag = "soa",
                .params = {{"where", "query",
                            "filter, e.g. applicability = applicable and control_type = Detective and status != "
                            "implemented"},
                           {"sort", "query", "comma-separated fields, -field for descending"}},
                .response_schema = Required(Obj({{"items", {{"type", "array"}, {"items", kEntry}}}, {"summary", kSummary}})),
                .errors = {400}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& e : app.soa().Select(req.ctx, req.Query("where"), req.Query("sort")))
                       items.push_back(e.ToJson());
                   return Response::FromJson({{"items", items}, {"summary", app.soa().Summarise(req.ctx).ToJson()}});
               });
    router.Add("GET", "/api/v1/soa/vocabulary",
               {.summary = "The fields and values the SoA filter understands", .tag = "soa", .errors = {}},
               [&app](Request& req) {
                   Json items = Json::array();
                   auto vocabulary = app.soa().SelectVocabulary(req.ctx);
                   for (const auto& f : vocabulary.fields())
                       items.push_back({{"name", f.name},
                                        {"description", f.description},
                                        {"values", f.values},
                                        {"free_text", f.free_text},
                                        {"multi_valued", f.multi_valued}});
                   return Response::Items(std::move(items));
               });
    router.Add("GET", "/api/v1/soa/check",
               {.summary = "The \"none overlooked\" comparison (27001 6.1.3 c): every open item",
                .tag = "soa",
                .response_schema = Required(Obj({{"ok", {{"type", "boolean"}}},
                                                 {"open_items", {{"type", "integer"}}},
                                                 {"items", {{"type", "array"}, {"items", kCheckItem}}}})),
                .errors = {}},
               [&app](Request& req) {
                   Json items = Json::array();
                   auto check = app.soa().Check(req.ctx);
                   for (const auto& c : check) items.push_back(c.ToJson());
                   return Response::FromJson(
                       {{"ok", check.empty()}, {"open_items", check.size()}, {"items", items}});
               });
    router.Add("GET", "/api/v1/soa/controls/{control}",
               {.summary = "One entry of the statement; ETag is its decision's version",
                .tag = "soa",
                .response_schema = kEntry,
                .errors = {404}},
               [&app](Request& req) { return EntryResponse(app.soa().Get(req.ctx, req.Param("control"))); });
    router.Add("PATCH", "/api/v1/soa/controls/{control}",
               {.summary = "Record a decision: applicability with its justification, status, notes, evidence, owner",
                .tag = "soa",
                .params = {IfMatchParam("the entry's ETag (0 before the first decision)")},
                .request_schema = Obj({{"applicability", {{"type", "string"}, {"enum", soa::ApplicabilityNames()}}},
                                       {"inclusion_reason", Str()},
                                       {"exclusion_reason", Str()},
                                       {"status", {{"type", "string"}, {"enum", soa::StatusNames()}}},
                                       {"notes", Str()},
                                       {"evidence", Strs()},
                                       {"owner", Str()}}),
                .response_schema = kEntry,
                .errors = {400, 404, 412}},
               [&app](Request& req) {
                   return EntryResponse(app.soa().Decide(req.ctx, req.Param("control"),
                                                         soa::DecisionInput::FromJson(req.JsonBody()),
                                                         IfMatchVersion(req)));
               });
    router.Add("GET", "/api/v1/soa/versions",
               {.summary = "Approved versions of the statement (without their entries)",
                .tag = "soa",
                .response_schema = Required(Obj({{"items", {{"type", "array"}, {"items", kVersion}}}})),
                .errors = {}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& v : app.soa().Versions(req.ctx)) items.push_back(v.ToJson(false));
                   return Response::Items(std::move(items));
               });
    router.Add("POST", "/api/v1/soa/versions",
               {.summary = "Approve the current statement as the next version; with open check items only with "
                           "an override reason (409 otherwise)",
                .tag = "soa",
                .request_schema = Obj({{"comment", Str()}, {"override_reason", Str()}}),
                .response_schema = kVersion,
                .errors = {400, 409}},
               [&app](Request& req) {
                   Json b = req.JsonBody();
                   for (const char* k : {"comment", "override_reason"})
                       if (b.contains(k) && !b[k].is_string())
                           throw Error::InvalidInput(fmt::format("'{}' must be a string", k), {{k, "not a string"}});
                   auto v = app.soa().Approve(req.ctx, {b.value("comment", ""), b.value("override_reason", "")});
                   return Response::FromJson(v.ToJson(false), 201);
               });
    router.Add("GET", "/api/v1/soa/versions/{version}",
               {.summary = "One approved version with its entries and the check at approval",
                .tag = "soa",
                .response_schema = kVersionWithEntries},
               [&app](Request& req) {
                   int v = VersionParam(req.Param("version"), "version");
                   if (v == 0) throw Error::InvalidInput("name an approved version number", {{"version", "not a version"}});
                   return Response::FromJson(app.soa().GetVersion(req.ctx, v).ToJson());
               });
    router.Add("GET", "/api/v1/soa/diff",
               {.summary = "What changed between two approved versions (or a version and the current statement)",
                .tag = "soa",
                .params = {{"from", "query", "version number (e.g. 3 or v3)", true},
                           {"to", "query", "version number, or current (default)"}},
                .response_schema = Required(Obj({{"from", {{"type", "integer"}}},
                                                 {"to", {{"type", "integer"}}},
                                                 {"changes", {{"type", "array"}, {"items", kChange}}}})),
                .errors = {400, 404}},
               [&app](Request& req) {
                   if (!req.HasQuery("from"))
                       throw Error::InvalidInput("name the version to compare from: ?from=3", {{"from", "required"}});
                   int from = VersionParam(req.Query("from"), "from");
                   int to = VersionParam(req.Query("to", "current"), "to");
                   Json changes = Json::array();
                   for (const auto& c : app.soa().Diff(req.ctx, from, to)) changes.push_back(c.ToJson());
                   return Response::FromJson({{"from", from}, {"to", to}, {"changes", changes}});
               });
    router.Add("GET", "/api/v1/soa/export.csv",
               {.summary = "The statement (current, or ?version=N) as CSV",
                .tag = "soa",
                .params = {{"version", "query", "an approved version; default: the current statement"}},
                .errors = {400, 404},
                .response_type = "text/csv"},
               [&app](Request& req) {
                   auto d = ExportDataFor(app, req);
                   return Download(io::RenderCsv(soa::SoaTable(d)), "text/csv; charset=utf-8",
                                   Slug(app, req.ctx) + "-soa.csv");
               });
    router.Add("GET", "/api/v1/soa/export.xlsx",
               {.summary = "The statement (current, or ?version=N) as a spreadsheet with colours by status",
                .tag = "soa",
                .params = {{"version", "query", "an approved version; default: the current statement"}},
                .errors = {400, 404},
                .response_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
               [&app](Request& req) {
                   auto d = ExportDataFor(app, req);
                   return Download(soa::SoaXlsx(d), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                   Slug(app, req.ctx) + "-soa.xlsx");
               });
}

}  // namespace isms::api
