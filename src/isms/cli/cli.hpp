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
    std::string token;    // --token or $ISMS_TOKEN: act with this API token's organisation and role
    std::string as_user;  // --as USER: act as this account, with its role in the organisation

    // True when the command acts as an account or token (and so obeys that role) rather than as the local
    // operator.
    bool ActingAsUser() const { return !token.empty() || !as_user.empty(); }

    io::Format Format() const { return io::ParseFormat(format); }
};

// Opens the application for a command (never creates a database; `init` does that).
std::unique_ptr<app::App> OpenApp(const Globals& g);
// The acting context of a CLI command (docs/security.md, "The command line"):
//   --token/$ISMS_TOKEN: the token's organisation and role (--org must name that organisation, if given);
//   --as USER: that account's role in --org (default: its first organisation);
//   otherwise the local operator, who holds the database file and so every right over it (Context::system,
//   actor "cli:<login name>"), in --org (required when several organisations exist, unless org_optional).
// Throws kUnauthenticated for a dead token or unknown/disabled account, kNotFound for an organisation the
// account does not belong to.
Context CliContext(app::App& app, const Globals& g, bool org_optional = false);
// The local operator's context in `org_id` (may be empty): every right, actor "cli:<login name>".
Context LocalOperator(std::string org_id = {});
// Reads a secret: one line from stdin with `from_stdin`, else from the terminal without echo (asked twice when
// `confirm`). Throws kInvalidInput when there is no terminal and no --password-stdin.
std::string ReadSecret(const std::string& prompt, bool from_stdin, bool confirm);

// Printing helpers (stdout); all honour --format.
void Print(const io::Table& t, const Globals& g);
// The width output must fit: COLUMNS when set, else the terminal's width when standard output is a terminal,
// else 0 (no limit).
size_t OutputWidth();
// `text` with its lines broken between words to fit `width` (100 when 0); continuation lines indented.
std::string WrapLines(const std::string& text, size_t width, size_t indent = 2);
void PrintJson(const Json& j);
void Say(const Globals& g, const std::string& line);  // human-readable line; suppressed by --quiet or --format json

// Reads a file, or standard input for "-". kNotFound when it cannot be read.
std::string ReadInput(const std::string& path);
// Writes `bytes` to a file (through a temporary file, so never half-written), or to standard output when
// `path` is "" or "-".
void WriteOutput(const std::string& path, const std::string& bytes);

// Each command group registers itself (one file each: cmd_<group>.cpp).
using Register = void (*)(CLI::App& root, Globals& g);
void RegisterInit(CLI::App& root, Globals& g);
void RegisterServe(CLI::App& root, Globals& g);
void RegisterLog(CLI::App& root, Globals& g);
void RegisterOrg(CLI::App& root, Globals& g);
void RegisterApi(CLI::App& root, Globals& g);
void RegisterOscal(CLI::App& root, Globals& g);
void RegisterCatalog(CLI::App& root, Globals& g);  // controls, views, transition, catalog, frameworks
void RegisterUser(CLI::App& root, Globals& g);   // user …, roles
void RegisterToken(CLI::App& root, Globals& g);  // token …
void RegisterBackup(CLI::App& root, Globals& g);  // backup, restore, migrate
void RegisterRisk(CLI::App& root, Globals& g);
void RegisterSoa(CLI::App& root, Globals& g);
void RegisterDomainCommands(CLI::App& root, Globals& g);  // commands.cpp
void RegisterQuant(CLI::App& root, Globals& g);
void RegisterRecord(CLI::App& root, Globals& g);          // cmd_record.cpp
void RegisterEvaluation(CLI::App& root, Globals& g);      // metric, audit, review, readiness (after RegisterOscal)

}  // namespace isms::cli
