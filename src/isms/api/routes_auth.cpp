// /api/v1/auth/…: signing in and out, the caller's own account (password, second factor).
#include <fmt/format.h>

#include "isms/api/authenticate.hpp"
#include "isms/api/json_schema.hpp"
#include "isms/api/routes.hpp"
#include "isms/auth/password.hpp"
#include "isms/core/error.hpp"

namespace isms::api {

namespace {

Json StringProps(std::initializer_list<const char*> names) {
    Json p = Json::object();
    for (const char* n : names) p[n] = {{"type", "string"}};
    return p;
}

Json OrganisationsJson(const auth::User& u) {
    Json arr = Json::array();
    for (const auto& m : u.memberships) {
        Json perms = Json::array();
        for (auto p : AllPermissions())
            if (HasPermission(m.role, p)) perms.push_back(PermissionName(p));
        arr.push_back({{"id", m.org_id}, {"slug", m.org_slug}, {"name", m.org_name}, {"role", RoleName(m.role)},
                       {"permissions", perms}});
    }
    return arr;
}

// What a client needs to know about the signed-in account (sign-in response and /auth/me).
Json SessionJson(const auth::User& u, const Context& ctx) {
    Json current = nullptr;
    for (const auto& m : u.memberships)
        if (m.org_id == ctx.org_id) current = {{"id", m.org_id}, {"slug", m.org_slug}, {"name", m.org_name},
                                               {"role", RoleName(m.role)}};
    Json by_slug = Json::object();
    for (const auto& o : OrganisationsJson(u)) by_slug[o["slug"].get<std::string>()] = o["permissions"];
    return {{"permissions", by_slug},
            {"user",
             {{"id", u.id},
              {"username", u.username},
              {"display_name", u.display_name},
              {"totp_enabled", u.totp_enabled}}},
            {"organisations", OrganisationsJson(u)},
            {"organisation", current}};
}

// The signed-in account, its organisations with the role and permissions held in each, and the session.
const Json kMembershipSchema = schema::Required(schema::Obj({{"id", schema::Str()},
                                                             {"slug", schema::Str()},
                                                             {"name", schema::Str()},
                                                             {"role", schema::Str()},
                                                             {"permissions", schema::Strs()}}));
const Json kSessionSchema = {
    {"type", "object"},
    {"properties",
     {{"user", schema::Required(schema::Obj({{"id", schema::Str()},
                                             {"username", schema::Str()},
                                             {"display_name", schema::Str()},
                                             {"totp_enabled", {{"type", "boolean"}}}}))},
      {"organisations", {{"type", "array"}, {"items", kMembershipSchema}}},
      {"organisation",
       {{"type", {"object", "null"}},
        {"description", "the organisation the request acted in (X-Isms-Org, else the first)"},
        {"properties", StringProps({"id", "slug", "name", "role"})}}},
      {"permissions",
       {{"type", "object"},
        {"description", "organisation slug → the permissions the account's role there grants"},
        {"additionalProperties", {{"type", "array"}, {"items", {{"type", "string"}}}}}}},
      {"csrf_token", {{"type", "string"}}},
      {"expires_at", {{"type", "string"}}},
      {"idle_timeout_seconds", {{"type", "integer"}}}}},
    {"required", {"user", "organisations", "csrf_token"}}};

// The caller's own account: sessions only (an API token does not change passwords or second factors).
const auth::User& RequireSessionAccount(app::App& app, const Request& req, std::optional<auth::User>& holder) {
    if (!req.Header("authorization").empty() || req.ctx.user_id.empty())
        throw Error::Forbidden("only a signed-in account (session) can change its own credentials");
    holder = app.accounts().FindById(req.ctx.user_id);
    if (!holder) throw Error::Unauthenticated("the account no longer exists");
    return *holder;
}

}  // namespace

void RegisterAuthRoutes(Router& router, app::App& app) {
    router.Add("POST", "/api/v1/auth/login",
               {.summary = "Sign in with username, password (and one-time code); sets the session cookie and returns "
                           "the CSRF token",
                .tag = "auth",
                .request_schema = {{"type", "object"},
                                   {"required", {"username", "password"}},
                                   {"properties", StringProps({"username", "password", "totp"})}},
                .response_schema = kSessionSchema,
                .authenticated = false,
                .errors = {400, 401, 429}},
               [&app](Request& req) {
                   // A cross-site form cannot send JSON without a CORS preflight: no login CSRF.
                   if (req.Header("content-type").rfind("application/json", 0) != 0)
                       throw Error::InvalidInput("send the credentials as application/json");
                   Json body = req.JsonBody();
                   auth::LoginRequest lr;
                   lr.username = StringField(body, "username");
                   lr.password = StringField(body, "password");
                   lr.totp = StringField(body, "totp", false);
                   lr.remote_addr = req.remote_addr;
                   lr.user_agent = req.Header("user-agent");
                   auto s = app.sessions().Login(lr);
                   Context ctx = app.accounts().ContextFor(s.user, "", "user:" + s.user.username);
                   Json j = SessionJson(s.user, ctx);
                   j["csrf_token"] = s.csrf_token;
                   j["expires_at"] = s.expires_at;
                   j["idle_timeout_seconds"] = app.sessions().policy().idle.count();
                   Response r = Response::FromJson(j, 201);
                   r.headers.emplace_back("Set-Cookie", SessionCookie(req, s.id));
                   return r;
               });

    router.Add("POST", "/api/v1/auth/logout",
               {.summary = "Sign out: ends the session and clears the cookie",
                .tag = "auth",
                .response_schema = Json::object(),
                .errors = {}},
               [&app](Request& req) {
                   if (auto sid = SessionIdFromCookie(req); sid && req.Header("authorization").empty())
                       app.sessions().Logout(req.ctx, *sid);
                   Response r = Response::NoContent();
                   r.headers.emplace_back("Set-Cookie", ClearedSessionCookie(req));
                   return r;
               });

    router.Add("GET", "/api/v1/auth/me",
               {.summary = "The signed-in account (or token), its organisations and roles, and the CSRF token",
                .tag = "auth",
                .response_schema = kSessionSchema,
                .errors = {404}},
               [&app](Request& req) {
                   if (!req.Header("authorization").empty()) {
                       auto org = app.organisations().FindBySlugOrId(req.ctx.org_id);
                       Json j = {{"token", {{"name", req.ctx.actor.substr(6)}, {"role", RoleName(*req.ctx.role)}}},
                                 {"user", nullptr},
                                 {"organisations", Json::array()},
                                 {"organisation", nullptr}};
                       if (org)
                           j["organisation"] = {{"id", org->id}, {"slug", org->slug}, {"name", org->name},
                                                {"role", RoleName(*req.ctx.role)}};
                       return Response::FromJson(j);
                   }
                   auto u = app.accounts().FindById(req.ctx.user_id);
                   if (!u) throw Error::Unauthenticated("the account no longer exists");
                   Json j = SessionJson(*u, req.ctx);
                   auto sid = SessionIdFromCookie(req);
                   auto s = sid ? app.sessions().Authenticate(*sid) : std::nullopt;
                   if (s) {
                       j["csrf_token"] = s->csrf_token;
                       j["expires_at"] = s->expires_at;
                   }
                   j["idle_timeout_seconds"] = app.sessions().policy().idle.count();
                   return Response::FromJson(j);
               });

    router.Add("POST", "/api/v1/auth/password",
               {.summary = "Change the signed-in account's password (other sessions end); the current password is "
                           "checked under the sign-in throttle",
                .tag = "auth",
                .request_schema = {{"type", "object"},
                                   {"required", {"current_password", "new_password"}},
                                   {"properties", StringProps({"current_password", "new_password"})}},
                .response_schema = Json::object(),
                .errors = {400, 429}},
               [&app](Request& req) {
                   std::optional<auth::User> holder;
                   RequireSessionAccount(app, req, holder);
                   Json body = req.JsonBody();
                   auto sid = SessionIdFromCookie(req);
                   app.accounts().ChangeOwnPassword(req.ctx, StringField(body, "current_password"),
                                                    StringField(body, "new_password"),
                                                    sid ? auth::SessionService::HashId(*sid) : "", req.remote_addr);
                   return Response::NoContent();
               });

    router.Add("POST", "/api/v1/auth/totp",
               {.summary = "Start enrolling a second factor: returns a new secret and otpauth URI (active after "
                           "confirmation)",
                .tag = "auth",
                .response_schema = {{"type", "object"}, {"properties", StringProps({"secret", "uri"})}, {"required", {"secret", "uri"}}},
                .errors = {}},
               [&app](Request& req) {
                   std::optional<auth::User> holder;
                   RequireSessionAccount(app, req, holder);
                   auto e = app.accounts().BeginTotp(req.ctx);
                   return Response::FromJson({{"secret", e.secret}, {"uri", e.uri}}, 201);
               });

    router.Add("POST", "/api/v1/auth/totp/confirm",
               {.summary = "Confirm the second factor with a code from the new secret; from then on sign-in needs a code",
                .tag = "auth",
                .request_schema = {{"type", "object"}, {"required", {"code"}}, {"properties", StringProps({"code"})}},
                .response_schema = Json::object(),
                .errors = {400, 409}},
               [&app](Request& req) {
                   std::optional<auth::User> holder;
                   RequireSessionAccount(app, req, holder);
                   app.accounts().ConfirmTotp(req.ctx, StringField(req.JsonBody(), "code"));
                   return Response::NoContent();
               });

    router.Add("POST", "/api/v1/auth/totp/disable",
               {.summary = "Switch the signed-in account's second factor off (needs the password, checked under the sign-in "
                           "throttle)",
                .tag = "auth",
                .request_schema = {{"type", "object"}, {"required", {"password"}}, {"properties", StringProps({"password"})}},
                .response_schema = Json::object(),
                .errors = {400, 429}},
               [&app](Request& req) {
                   std::optional<auth::User> holder;
                   RequireSessionAccount(app, req, holder);
                   app.accounts().DisableOwnTotp(req.ctx, StringField(req.JsonBody(), "password"), req.remote_addr);
                   return Response::NoContent();
               });
}

}  // namespace isms::api
