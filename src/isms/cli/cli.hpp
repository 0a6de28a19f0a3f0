// The command-line interface: `isms COMMAND …`. Thin: parses, calls one domain service, renders.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>

#include "isms/app/app.hpp"
#include "isms/core/context.hpp"
#include "isms/io/table.hpp"

namespace isms::cli {

int Main(int argc, char** argv);

// Options every command shares.
struct Globals {
    std::string db;      // --db or $ISMS_DB, default "isms.db"
    std::string org;     // --org or $ISMS_ORG: slug or id; may be omitted when the store has one organisation
    std::string format = "table";
    bool quiet = false;

    io::Format Format() const { return io::ParseFormat(format); }
};

// Opens the application for a command (never creates a database; `init` does that).
std::unique_ptr<app::App> OpenApp(const Globals& g);
// The acting context of a CLI command: the organisation from --org and the local operator as actor.
Context CliContext(app::App& app, const Globals& g);

// Printing helpers (stdout); all honour --format.
void Print(const io::Table& t, const Globals& g);
void PrintJson(const Json& j);
void Say(const Globals& g, const std::string& line);  // human-readable line; suppressed by --quiet or --format json

// Each command group registers itself (one file each: cmd_<group>.cpp).
using Register = void (*)(CLI::App& root, Globals& g);
void RegisterInit(CLI::App& root, Globals& g);
void RegisterServe(CLI::App& root, Globals& g);
void RegisterLog(CLI::App& root, Globals& g);
void RegisterOrg(CLI::App& root, Globals& g);
void RegisterApi(CLI::App& root, Globals& g);
void RegisterOscal(CLI::App& root, Globals& g);
void RegisterCatalog(CLI::App& root, Globals& g);  // controls, views, transition, catalog, frameworks
void RegisterRisk(CLI::App& root, Globals& g);
void RegisterSoa(CLI::App& root, Globals& g);
void RegisterDomainCommands(CLI::App& root, Globals& g);  // commands.cpp
void RegisterQuant(CLI::App& root, Globals& g);

}  // namespace isms::cli
