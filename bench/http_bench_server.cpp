// The server `isms serve` runs, plus one minimal route, for bench/controls_http.sh.
//
// A real endpoint's rate means little alone (it depends on the machine and on what else runs); its ratio to
// the rate of a route that does nothing, served by the same server in the same run, shows what the
// endpoint's own work costs. This program builds api::Server exactly as `isms serve` does (same App, same
// ServeOptions defaults: thread pool, keep-alive, limits) and adds
//
//   GET /api/v1/bench/minimal   →   200 {"ok":true}
//
// which passes through the same listener, router, dispatch, request id and response headers as every route,
// without authentication or a database query, and
//
//   GET /api/v1/bench/minimal-authenticated   →   the same behind the API-token authentication. Usage: isms_bench_http_server --db URL [--threads N]; prints
// "listening on PORT" and serves on 127.0.0.1 until SIGTERM/SIGINT.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "isms/api/server.hpp"
#include "isms/app/app.hpp"

int main(int argc, char** argv) {
    std::string db;
    isms::api::ServeOptions options;
    options.port = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--db") == 0) {
            db = argv[i + 1];
        } else if (std::strcmp(argv[i], "--threads") == 0) {
            options.threads = std::atoi(argv[i + 1]);
        } else {
            std::cerr << "usage: isms_bench_http_server --db URL [--threads N]\n";
            return 2;
        }
    }
    if (db.empty()) {
        std::cerr << "usage: isms_bench_http_server --db URL [--threads N]\n";
        return 2;
    }
    try {
        isms::app::App app({.db_url = db});
        isms::api::Server server(app, options);
        server.router().Add(
            "GET", "/api/v1/bench/minimal",
            {.summary = "Benchmark baseline: does nothing", .tag = "bench", .authenticated = false},
            [](isms::api::Request&) { return isms::api::Response::Raw(R"({"ok":true})", "application/json"); });
        // The same, behind the authentication every real route has (API token or session): what any route a
        // user can call pays before its own work starts.
        server.router().Add(
            "GET", "/api/v1/bench/minimal-authenticated",
            {.summary = "Benchmark baseline behind authentication: does nothing", .tag = "bench"},
            [](isms::api::Request&) { return isms::api::Response::Raw(R"({"ok":true})", "application/json"); });
        int port = server.Bind();
        std::cout << "listening on " << port << std::endl;
        server.Run();
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
