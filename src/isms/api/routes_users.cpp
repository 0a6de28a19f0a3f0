// /api/v1/users… (accounts and their roles in the caller's organisation) and /api/v1/tokens… (API tokens).
// The rules (who may do what, existence hiding) live in isms/auth; these handlers only translate.
#include <fmt/format.h>

#include "isms/api/json_schema.hpp"
#include "isms/api/routes.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"

namespace isms::api {

namespace {

Role RoleField(const Json& body) {
    std::string name = StringField(body, "role", true);
    auto role = ParseRole(name);
    if (!role)
        throw Error::InvalidInput(fmt::format("unknown role '{}'", name), {{"role", "unknown role", RoleNames()}});
    return *role;
}

Json UserJson(const auth::User& u, const std::string& org_id) {
    Json role = nullptr;
    for (const auto& m : u.memberships)
        if (m.org_id == org_id) role = RoleName(m.role);
    return {{"id", u.id},
            {"username", u.username},
            {"display_name", u.display_name},
            {"role", role},
            {"disabled", u.disabled},
            {"totp_enabled", u.totp_enabled},
            {"created_at", u.created_at},
            {"password_changed_at", u.password_changed_at}};
}

Json TokenJson(const auth::ApiToken& t) {
    return {{"id", t.id},
            {"name", t.name},
            {"prefix", t.prefix},
            {"role", RoleName(t.role)},
            {"created_by", t.created_by},
            {"created_at", t.created_at},
            {"expires_at", t.expires_at.empty() ? Json(nullptr) : Json(t.expires_at)},
            {"last_used_at", t.last_used_at.empty() ? Json(nullptr) : Json(t.last_used_at)},
            {"revoked_at", t.revoked_at.empty() ? Json(nullptr) : Json(t.revoked_at)},
            {"active", t.active}};
}

const Json kRoleEnum = [] {
    Json e = Json::array();
    for (const auto& r : RoleNames()) e.push_back(r);
    return e;
}();

const Json kUserSchema = schema::Required(schema::Obj({{"id", schema::Str()},
                                                       {"username", schema::Str()},
                                                       {"display_name", schema::Str()},
                                                       {"role", {{"type", {"string", "null"}}}},
                                                       {"disabled", {{"type", "boolean"}}},
                                                       {"totp_enabled", {{"type", "boolean"}}},
                                                       {"created_at", schema::Str()},
                                                       {"password_changed_at", schema::Str()}}));

const Json kTokenSchema = schema::Required(schema::Obj({{"id", schema::Str()},
                                                        {"name", schema::Str()},
                                                        {"prefix", schema::Str()},
                                                        {"role", {{"type", "string"}, {"enum", kRoleEnum}}},
                                                        {"created_by", schema::Str()},
                                                        {"created_at", schema::Str()},
                                                        {"expires_at", {{"type", {"string", "null"}}}},
                                                        {"last_used_at", {{"type", {"string", "null"}}}},
                                                        {"revoked_at", {{"type", {"string", "null"}}}},
                                                        {"active", {{"type", "boolean"}}}}));
// The answer to creating a token: the token and, this once, its secret.
const Json kNewTokenSchema = [] {
    Json j = kTokenSchema;
    j["properties"]["token"] = {{"type", "string"}, {"description", "the secret; shown only in this answer"}};
    j["required"].push_back("token");
    return j;
}();

using schema::ListOf;

}  // namespace

void RegisterUserRoutes(Router& router, app::App& app) {
    router.Add("GET", "/api/v1/users",
               {.summary = "Members of the organisation and their roles", .tag = "users",
                .response_schema = ListOf(kUserSchema), .errors = {}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& u : app.accounts().List(req.ctx)) items.push_back(UserJson(u, req.ctx.org_id));
                   return Response::Items(std::move(items));
               });

    router.Add("POST", "/api/v1/users",
               {.summary = "Create an account with a role in the organisation (users.admin)",
                .tag = "users",
                .request_schema = {{"type", "object"},
                                   {"required", {"username", "password", "role"}},
                                   {"properties",
                                    {{"username", {{"type", "string"}}},
                                     {"display_name", {{"type", "string"}}},
                                     {"password", {{"type", "string"}}},
                                     {"role", {{"type", "string"}, {"enum", kRoleEnum}}}}}},
                .response_schema = kUserSchema,
                .errors = {400, 409}},
               [&app](Request& req) {
                   Json body = req.JsonBody();
                   auth::NewUser nu;
                   nu.username = StringField(body, "username", true);
                   nu.display_name = StringField(body, "display_name", false);
                   nu.password = StringField(body, "password", true);
                   nu.role = RoleField(body);
                   auto u = app.accounts().Create(req.ctx, nu);
                   return Response::FromJson(UserJson(u, req.ctx.org_id), 201);
               });

    router.Add("GET", "/api/v1/users/{username}",
               {.summary = "One member of the organisation", .tag = "users", .response_schema = kUserSchema,
                .errors = {404}},
               [&app](Request& req) {
                   auto u = app.accounts().Find(req.ctx, req.Param("username"));
                   if (!u) throw Error::NotFound(fmt::format("no account '{}' in this organisation", req.Param("username")));
                   return Response::FromJson(UserJson(*u, req.ctx.org_id));
               });

    router.Add("PUT", "/api/v1/users/{username}/role",
               {.summary = "Change a member's role in the organisation (users.admin)",
                .tag = "users",
                .request_schema = {{"type", "object"},
                                   {"required", {"role"}},
                                   {"properties", {{"role", {{"type", "string"}, {"enum", kRoleEnum}}}}}},
                .response_schema = kUserSchema,
                .errors = {400, 404, 409}},
               [&app](Request& req) {
                   app.accounts().Grant(req.ctx, req.Param("username"), RoleField(req.JsonBody()));
                   auto u = app.accounts().Find(req.ctx, req.Param("username"));
                   if (!u) throw Error::NotFound("the account is gone");
                   return Response::FromJson(UserJson(*u, req.ctx.org_id));
               });

    router.Add("DELETE", "/api/v1/users/{username}/role",
               {.summary = "Remove a member from the organisation (users.admin)",
                .tag = "users",
                .response_schema = Json::object(),
                .errors = {404, 409}},
               [&app](Request& req) {
                   app.accounts().Revoke(req.ctx, req.Param("username"));
                   return Response::NoContent();
               });

    for (bool disable : {true, false}) {
        router.Add("POST", disable ? "/api/v1/users/{username}/disable" : "/api/v1/users/{username}/enable",
                   {.summary = disable ? "Disable an account: it can no longer sign in and its sessions end"
                                       : "Enable a disabled account",
                    .tag = "users",
                    .response_schema = Json::object(),
                    .errors = {404, 409}},
                   [&app, disable](Request& req) {
                       app.accounts().SetDisabled(req.ctx, req.Param("username"), disable);
                       return Response::NoContent();
                   });
    }

    router.Add("POST", "/api/v1/users/{username}/password",
               {.summary = "Set a new password for an account (its sessions end)",
                .tag = "users",
                .request_schema = {{"type", "object"},
                                   {"required", {"password"}},
                                   {"properties", {{"password", {{"type", "string"}}}}}},
                .response_schema = Json::object(),
                .errors = {400, 404}},
               [&app](Request& req) {
                   app.accounts().ResetPassword(req.ctx, req.Param("username"), StringField(req.JsonBody(), "password", true));
                   return Response::NoContent();
               });

    router.Add("DELETE", "/api/v1/users/{username}/totp",
               {.summary = "Switch an account's second factor off (e.g. a lost phone)",
                .tag = "users",
                .response_schema = Json::object(),
                .errors = {404}},
               [&app](Request& req) {
                   app.accounts().DisableTotp(req.ctx, req.Param("username"));
                   return Response::NoContent();
               });

    router.Add("GET", "/api/v1/tokens",
               {.summary = "API tokens of the organisation (tokens.admin)", .tag = "tokens",
                .response_schema = ListOf(kTokenSchema), .errors = {}},
               [&app](Request& req) {
                   Json items = Json::array();
                   for (const auto& t : app.tokens().List(req.ctx)) items.push_back(TokenJson(t));
                   return Response::Items(std::move(items));
               });

    router.Add("POST", "/api/v1/tokens",
               {.summary = "Create an API token; the response is the only time the secret is shown",
                .tag = "tokens",
                .request_schema = {{"type", "object"},
                                   {"required", {"name", "role"}},
                                   {"properties",
                                    {{"name", {{"type", "string"}}},
                                     {"role", {{"type", "string"}, {"enum", kRoleEnum}}},
                                     {"expires", {{"type", {"string", "null"}},
                                                  {"description", "lifetime such as 90d, 12h, 2w; null or 'never' for "
                                                                  "none; default 90d"}}}}}},
                .response_schema = kNewTokenSchema,
                .errors = {400, 409}},
               [&app](Request& req) {
                   Json body = req.JsonBody();
                   auth::NewToken nt;
                   nt.name = StringField(body, "name", true);
                   nt.role = RoleField(body);
                   std::string expires = body.contains("expires") ? StringField(body, "expires", false) : "90d";
                   if (!expires.empty() && expires != "never") {
                       nt.lifetime = time::ParseDuration(expires);
                       if (!nt.lifetime)
                           throw Error::InvalidInput(fmt::format("'{}' is not a lifetime (e.g. 90d, 12h, 2w)", expires),
                                                     {{"expires", "invalid"}});
                   }
                   auto created = app.tokens().Create(req.ctx, nt);
                   Json j = TokenJson(created.token);
                   j["token"] = created.secret;
                   return Response::FromJson(j, 201);
               });

    router.Add("DELETE", "/api/v1/tokens/{id}",
               {.summary = "Revoke an API token (by id, or by the name of an active token)",
                .tag = "tokens",
                .response_schema = Json::object(),
                .errors = {404}},
               [&app](Request& req) {
                   app.tokens().Revoke(req.ctx, req.Param("id"));
                   return Response::NoContent();
               });
}

}  // namespace isms::api
