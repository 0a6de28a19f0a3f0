// The HTTP server: /api/v1 (JSON, problem+json errors) and the web application's static files.
//
// Every request gets an id (X-Request-Id), the security headers (HSTS too when the request came over TLS), a
// body-size limit, authentication (session cookie with CSRF check, or bearer token; see api/authenticate.hpp)
// which sets Request::ctx (organisation, actor, role), and one mapping of isms::Error to an RFC 9457 response.
// Thread-safety: Run() serves from a thread pool; handlers must only touch thread-safe services.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "isms/api/router.hpp"
#include "isms/app/app.hpp"

namespace isms::api {

struct ServeOptions {
    std::string host = "127.0.0.1";
    int port = 8080;                     // 0 = any free port (see Server::port())
    std::string web_root;                // serve the web app from this folder instead of the embedded copy
    std::string tls_cert, tls_key;       // both set: HTTPS
    size_t max_body = 8 * 1024 * 1024;   // bytes; larger bodies get 413
    bool trust_proxy = false;            // take the client address and scheme from X-Forwarded-For/-Proto
    int threads = 64;                    // worker threads; each keep-alive connection holds one while open
};

class Server {
public:
    Server(app::App& app, ServeOptions options);
    ~Server();

    Router& router() { return router_; }
    // Replaces how requests are authenticated (fills req.ctx or throws kUnauthenticated).
    void SetAuthenticator(std::function<void(Request&)> f) { authenticate_ = std::move(f); }

    // Handles one request without a socket (used by the listener, tests and fuzzers). Never throws.
    Response Dispatch(Request& req);

    // Binds the listening socket; returns the port. Throws kUnavailable when the address is in use.
    int Bind();
    int port() const { return port_; }
    // Serves until Stop() (or SIGTERM/SIGINT when handle_signals), finishing requests in flight.
    void Run(bool handle_signals = true);
    void Stop();

    // Turns any exception into a problem+json response. `status` overrides the status the error's code maps
    // to (e.g. 405), in the HTTP status line and the body alike.
    static Response Problem(const std::exception& ex, const std::string& instance, int status = 0);

private:
    struct Impl;
    app::App& app_;
    ServeOptions options_;
    Router router_;
    std::function<void(Request&)> authenticate_;
    std::unique_ptr<Impl> impl_;
    int port_ = 0;
};

// Registers every /api/v1 route (one Register…Routes function per domain, see routes.hpp).
void RegisterAllRoutes(Router& router, app::App& app);

}  // namespace isms::api
