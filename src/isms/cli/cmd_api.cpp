// isms api routes | openapi — the HTTP API as the server would serve it, without starting one.
#include <fmt/format.h>

#include "isms/api/server.hpp"
#include "isms/cli/cli.hpp"

namespace isms::cli {

void RegisterApi(CLI::App& root, Globals& g) {
    auto* api = root.add_subcommand("api", "the HTTP API: its route table and OpenAPI document");
    api->require_subcommand(1);
    // Both build the same api::Server `isms serve` builds (without listening), so they list exactly the
    // routes it dispatches to; tests/integration/openapi_test.cpp compares them with the running server.
    api->add_subcommand("routes", "list every route the server dispatches: method, path, tag, summary")->callback([&g] {
        auto app = OpenApp(g);
        api::Server server(*app, {});
        io::Table t{{"method", "path", "tag", "authenticated", "summary"}, {}};
        for (const auto& r : server.router().routes())
            t.rows.push_back({r.method, r.pattern, r.doc.tag, r.doc.authenticated ? "yes" : "no", r.doc.summary});
        Print(t, g);
    });
    api->add_subcommand("openapi", "print the OpenAPI 3.1 document (as served at /api/v1/openapi.json)")
        ->callback([&g] {
            auto app = OpenApp(g);
            api::Server server(*app, {});
            PrintJson(server.router().OpenApi(ISMS_VERSION));
        });
}

}  // namespace isms::cli
