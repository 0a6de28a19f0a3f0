// How HTTP requests prove who they are (docs/security.md, "Authenticating to the API").
//
//   - Browsers: POST /api/v1/auth/login sets the session cookie `isms_session` (`__Host-isms_session` over
//     TLS; HttpOnly, SameSite=Strict, Path=/, Secure over TLS) and returns `csrf_token`. Every request other
//     than GET/HEAD/OPTIONS made with the cookie must carry that token in the `X-CSRF-Token` header.
//   - Automation: `Authorization: Bearer isms_…` (API tokens); no cookie, no CSRF token.
//   - Organisation: `X-Isms-Org: <slug or id>` picks the organisation a request acts in; without it, the
//     account's first organisation (by slug) or the token's organisation. An organisation the caller does not
//     belong to is answered 404, exactly like one that does not exist.
// Missing or dead credentials: 401. Missing/wrong CSRF token, or a role that does not allow the operation:
// 403.
#pragma once

#include <optional>
#include <string>

#include "isms/api/router.hpp"
#include "isms/app/app.hpp"

namespace isms::api {

inline constexpr const char* kSessionCookie = "isms_session";
inline constexpr const char* kSecureSessionCookie = "__Host-isms_session";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";
inline constexpr const char* kOrgHeader = "X-Isms-Org";

// Fills req.ctx from the request's credentials, or throws kUnauthenticated / kForbidden / kNotFound.
void Authenticate(app::App& app, Request& req);
// The session id from the request's cookie (the secure name for requests over TLS), if any.
std::optional<std::string> SessionIdFromCookie(const Request& req);
// Set-Cookie values that open and end a session.
std::string SessionCookie(const Request& req, const std::string& session_id);
std::string ClearedSessionCookie(const Request& req);
// Behind a trusted reverse proxy: the client address is the last X-Forwarded-For entry and the scheme
// X-Forwarded-Proto.
void ApplyProxyHeaders(Request& req);

}  // namespace isms::api
