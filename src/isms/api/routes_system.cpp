// /api/v1/health, /api/v1/openapi.json, /api/v1/log/verify, /api/v1/organisations
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
               {.summary = "Recompute the change log's hash chain and report the first broken entry",
                .tag = "change log",
                .response_schema = {{"type", "object"},
                                    {"properties",
                                     {{"ok", {{"type", "boolean"}}},
                                      {"entries", {{"type", "integer"}}},
                                      {"first_broken", {{"type", {"integer", "null"}}}},
                                      {"problem", {{"type", "string"}}}}}},
                .errors = {}},
               [&app](Request& req) {
                   RequirePermission(req.ctx, Permission::kLogVerify);
                   auto v = store::VerifyLog(app.store());
                   Json j = {{"ok", v.ok},
                             {"entries", v.entries},
                             {"head_seq", v.head_seq},
                             {"head_hash", v.head_hash},
                             {"first_broken", v.first_broken ? Json(*v.first_broken) : Json(nullptr)},
                             {"problem", v.problem}};
                   return Response::FromJson(j);
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
