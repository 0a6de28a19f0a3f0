// /api/v1/health, /api/v1/openapi.json, /api/v1/log, /api/v1/log/system, /api/v1/log/verify, /api/v1/organisations
#include <cstdint>

#include "isms/api/routes.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/store/change_log.hpp"

namespace isms::api {

void RegisterSystemRoutes(Router& router, app::App& app) {
    router.Add("GET", "/api/v1/health",
               {.summary = "Liveness and database reachability",
                .tag = "system",
                .response_schema = {{"type", "object"},
                                    {"properties",
                                     {{"status", {{"type", "string"}}},
                                      {"database", {{"type", "string"}}},
                                      {"schema_version", {{"type", "integer"}}}}}},
                .authenticated = false,
                .errors = {503}},
               [&app](Request&) {
                   bool ok = app.store().Ping();
                   Json j = {{"status", ok ? "ok" : "degraded"},
                             {"database", ok ? "reachable" : "unreachable"},
                             {"backend", app.store().dialect() == store::Dialect::kSqlite ? "sqlite" : "postgresql"},
                             {"time", time::NowUtc()}};
                   if (ok) j["schema_version"] = app.store().SchemaVersion();
                   return Response::FromJson(j, ok ? 200 : 503);
               });

    router.Add("GET", "/api/v1/openapi.json",
               {.summary = "This API's OpenAPI 3.1 document", .tag = "system", .authenticated = false, .errors = {}},
               [&router](Request&) { return Response::FromJson(router.OpenApi(ISMS_VERSION)); });

    router.Add("GET", "/api/v1/log/verify",
               {.summary = "Recompute the change log's hash chain and report the first broken entry; compare the "
                           "organisation's records with their last change-log entries",
                .tag = "change log",
                .response_schema = {{"type", "object"},
                                    {"properties",
                                     {{"ok", {{"type", "boolean"}}},
                                      {"entries", {{"type", "integer"}}},
                                      {"head_seq", {{"type", "integer"}}},
                                      {"head_hash", {{"type", "string"}}},
                                      {"first_broken", {{"type", {"integer", "null"}}}},
                                      {"problem", {{"type", "string"}}},
                                      {"records",
                                       {{"type", "array"},
                                        {"items",
                                         {{"type", "object"},
                                          {"properties",
                                           {{"type", {{"type", "string"}}},
                                            {"id", {{"type", "string"}}},
                                            {"problem", {{"type", "string"}}}}}}}}}}},
                                    {"required",
                                     {"ok", "entries", "head_seq", "head_hash", "first_broken", "problem", "records"}}},
                .errors = {}},
               [&app](Request& req) {
                   RequirePermission(req.ctx, Permission::kLogVerify);
                   auto v = app.VerifyStore();
                   // The chain is the installation's; record problems are shown for the caller's organisation only.
                   std::erase_if(v.records, [&](const auto& p) { return p.org_id != req.ctx.org_id; });
                   Json j = v.ToJson();
                   for (auto& p : j["records"]) p.erase("org_id");
                   return Response::FromJson(j);
               });

    // The change log of the caller's organisation, newest first (the audit trail behind every history view), and
    // the installation-wide entries about its members (sign-ins, sign-outs, lockouts; who sees which is
    // AccountService::SystemLog's rule). Both pages the same way.
    const std::vector<ParamDoc> log_params = {
        {"entity", "query", "only entries of this entity type (e.g. record.asset, risk, view)"},
        {"id", "query", "only entries of this entity id"},
        {"before", "query", "cursor: entries older than this sequence number", false, "integer"},
        {"limit", "query", "at most this many entries (1 to 500, default 50)", false, "integer"}};
    const Json log_page_schema =
        {{"type", "object"},
         {"properties",
          {{"items",
            {{"type", "array"},
             {"items",
              {{"type", "object"},
               {"properties",
                {{"seq", {{"type", "integer"}}},
                 {"at", {{"type", "string"}, {"format", "date-time"}}},
                 {"actor", {{"type", "string"}}},
                 {"entity", {{"type", "string"}}},
                 {"entity_id", {{"type", "string"}}},
                 {"op", {{"type", "string"}}},
                 {"before", {{"description", "the entity before the change; null when it did not exist"}}},
                 {"after", {{"description", "the entity after the change; null when it was removed"}}},
                 {"hash", {{"type", "string"}}},
                 {"prev_hash", {{"type", "string"}}}}},
               {"required", {"seq", "at", "actor", "entity", "entity_id", "op", "hash", "prev_hash"}}}}}},
           {"next_before",
            {{"type", {"integer", "null"}},
             {"description", "pass as `before` for the next (older) page; null on the last page"}}}}},
         {"required", {"items", "next_before"}}};
    auto log_query = [](const Request& req) {
        return store::LogQuery{.entity = req.Query("entity"),
                               .entity_id = req.Query("id"),
                               .limit = static_cast<int>(IntQuery(req, "limit", 50, 1, 500)),
                               .before_seq = IntQuery(req, "before", 0, 0, INT64_MAX),
                               .newest_first = true};
    };
    auto log_page = [](const std::vector<store::ChangeEntry>& entries, int limit) {
        Json items = Json::array();
        for (const auto& e : entries)
            items.push_back({{"seq", e.seq},
                             {"at", e.at},
                             {"actor", e.actor},
                             {"entity", e.entity},
                             {"entity_id", e.entity_id},
                             {"op", e.op},
                             {"before", e.before},
                             {"after", e.after},
                             {"hash", e.hash},
                             {"prev_hash", e.prev_hash}});
        bool more = static_cast<int>(entries.size()) == limit;
        return Response::FromJson({{"items", items}, {"next_before", more ? Json(entries.back().seq) : Json(nullptr)}});
    };

    router.Add("GET", "/api/v1/log",
               {.summary = "The organisation's change-log entries, newest first (who, when, what, before and after)",
                .tag = "change log",
                .params = log_params,
                .response_schema = log_page_schema,
                .errors = {400, 403}},
               [&app, log_query, log_page](Request& req) {
                   RequirePermission(req.ctx, Permission::kLogVerify);
                   store::LogQuery q = log_query(req);
                   q.org_id = req.ctx.org_id;
                   auto entries = app.store().Read([&](store::Db& db) { return store::ReadLog(db, q); });
                   return log_page(entries, q.limit);
               });

    router.Add("GET", "/api/v1/log/system",
               {.summary = "Installation-wide change-log entries about the organisation's members, newest first: "
                           "their sign-ins, sign-outs and lockouts (users.admin)",
                .tag = "change log",
                .params = log_params,
                .response_schema = log_page_schema,
                .errors = {400, 403}},
               [&app, log_query, log_page](Request& req) {
                   store::LogQuery q = log_query(req);
                   return log_page(app.accounts().SystemLog(req.ctx, q), q.limit);
               });

    router.Add("GET", "/api/v1/organisations",
               {.summary = "Organisations the caller may act in", .tag = "organisations", .errors = {}},
               [&app](Request& req) {
                   RequirePermission(req.ctx, Permission::kRead);
                   Json arr = Json::array();
                   for (const auto& o : app.organisations().List()) {
                       if (!req.ctx.system && o.id != req.ctx.org_id) continue;
                       arr.push_back({{"id", o.id}, {"slug", o.slug}, {"name", o.name}, {"created_at", o.created_at}});
                   }
                   return Response::FromJson({{"items", arr}});
               });
}

}  // namespace isms::api
