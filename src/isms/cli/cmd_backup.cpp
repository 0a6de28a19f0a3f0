// isms backup | restore | migrate — see docs/operations.md.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "isms/cli/cli.hpp"
#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"
#include "isms/store/backup.hpp"

namespace isms::cli {

namespace {

std::unique_ptr<store::Store> OpenExisting(const std::string& url, bool read_only = false) {
    auto s = store::Store::Open(url, {.pool_size = 2, .read_only = read_only});
    if (s->SchemaVersion() == 0)
        throw Error::NotFound(fmt::format("{} holds no isms data", s->Describe()));
    return s;
}

std::unique_ptr<store::Store> OpenTarget(const std::string& url) {
    return store::Store::Open(url, {.create = true, .pool_size = 2});
}

// Writes a file completely or not at all: into a temporary file beside it, synced, then renamed.
void WriteAtomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw Error::InvalidInput(fmt::format("'{}' is a folder, not a file", path));
    std::string tmp = path + ".partial-" + crypto::RandomHex(4);
    try {
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            if (!out) throw Error::Unavailable(fmt::format("cannot write '{}'", path));
            write(out);
            out.flush();
            if (!out) throw Error::Unavailable(fmt::format("writing '{}' failed (disk full?)", path));
        }
        if (FILE* f = std::fopen(tmp.c_str(), "rb")) {
            bool synced = ::fsync(fileno(f)) == 0;
            std::fclose(f);
            if (!synced) throw Error::Unavailable(fmt::format("writing '{}' failed (disk full?)", path));
        }
        fs::rename(tmp, path, ec);
        if (ec) throw Error::Unavailable(fmt::format("cannot write '{}': {}", path, ec.message()));
    } catch (...) {
        fs::remove(tmp, ec);
        throw;
    }
}

void ReportLoad(const Globals& g, const std::string& what, const std::string& target, const store::LoadReport& r) {
    if (g.format == "json") {
        PrintJson({{"target", target},
                   {"schema_version", r.schema_version},
                   {"tables", r.tables},
                   {"rows", r.rows},
                   {"log_ok", r.log.ok},
                   {"log_entries", r.log.entries},
                   {"head_seq", r.log.head_seq},
                   {"head_hash", r.log.head_hash}});
        return;
    }
    Say(g, fmt::format("{} {} rows in {} tables into {} (schema version {})", what, r.rows, r.tables, target,
                       r.schema_version));
    if (r.log.ok) {
        Say(g, fmt::format("change log OK: {} entries, head {} {}", r.log.entries, r.log.head_seq, r.log.head_hash));
    } else {
        std::cout << fmt::format("warning: the change log does not verify ({}), loaded as asked\n", r.log.problem);
    }
}

}  // namespace

void RegisterBackup(CLI::App& root, Globals& g) {
    auto* backup = root.add_subcommand("backup", "write a consistent backup of the store while it is in use");
    static std::string out_path, format = "auto";
    backup->add_option("-o,--output", out_path, "backup file ('-' = standard output, portable format only)")
        ->required();
    backup->add_option("--format", format,
                       "auto (SQLite: a SQLite file via the online backup API; PostgreSQL: jsonl), sqlite, or jsonl "
                       "(the portable format: restores into either engine)")
        ->check(CLI::IsMember({"auto", "sqlite", "jsonl"}))
        ->capture_default_str();
    backup->callback([&g] {
        auto s = OpenExisting(g.db);
        std::string fmt_ = format;
        if (fmt_ == "auto") fmt_ = (s->dialect() == store::Dialect::kSqlite && out_path != "-") ? "sqlite" : "jsonl";
        if (fmt_ == "sqlite") {
            if (out_path == "-") throw Error::InvalidInput("a SQLite copy needs a file name; use --format jsonl for '-'");
            s->CopyDatabaseFile(out_path);
            Say(g, fmt::format("backed up {} (schema version {}) to {} (SQLite copy; restore with: isms restore {} "
                               "--db …)",
                               s->Describe(), s->SchemaVersion(), out_path, out_path));
            return;
        }
        store::ExportReport r;
        auto write = [&](std::ostream& out) { r = store::ExportStore(*s, out, {.producer = std::string("isms ") + ISMS_VERSION}); };
        if (out_path == "-") {
            write(std::cout);
            return;
        }
        WriteAtomically(out_path, write);
        if (g.format == "json") {
            PrintJson({{"file", out_path},
                       {"schema_version", r.schema_version},
                       {"tables", r.tables},
                       {"rows", r.rows},
                       {"sha256", r.sha256}});
        } else {
            Say(g, fmt::format("backed up {} (schema version {}, {} tables, {} rows) to {} (sha256 {})", s->Describe(),
                               r.schema_version, r.tables, r.rows, out_path, r.sha256));
        }
    });

    auto* restore = root.add_subcommand("restore", "load a backup into an empty store (all or nothing)");
    static std::string in_path;
    static store::LoadOptions load;
    restore->add_option("file", in_path, "backup file: portable (jsonl) or a SQLite copy; '-' = standard input")
        ->required();
    restore->add_flag("--force", load.force, "replace everything the target store holds");
    restore->add_flag("--accept-broken-log", load.accept_broken_log,
                      "load even when the backup's change log does not verify");
    restore->callback([&g] {
        auto target = OpenTarget(g.db);
        store::LoadReport r;
        if (in_path != "-" && store::IsSqliteFile(in_path)) {
            auto source = OpenExisting("sqlite:" + in_path, /*read_only=*/true);
            r = store::CopyStore(*source, *target, load);
        } else if (in_path == "-") {
            r = store::RestoreStore(*target, std::cin, load);
        } else {
            std::ifstream in(in_path, std::ios::binary);
            if (!in) throw Error::NotFound(fmt::format("cannot read the backup '{}'", in_path));
            r = store::RestoreStore(*target, in, load);
        }
        ReportLoad(g, "restored", target->Describe(), r);
    });

    auto* migrate = root.add_subcommand(
        "migrate", "copy a whole store, or one organisation, into another store (e.g. SQLite → PostgreSQL)");
    static std::string from, to, org;
    static store::LoadOptions mopts;
    migrate->add_option("--from", from, "source store (default: --db)");
    migrate->add_option("--to", to, "target store: postgresql://… or a SQLite file")->required();
    migrate->add_option("--org", org,
                        "only this organisation (slug or id); the target may hold others. Its change-log entries are "
                        "appended to the target's chain, followed by an import entry naming the source");
    migrate->add_flag("--force", mopts.force, "whole-store copy: replace everything the target holds");
    migrate->add_flag("--accept-broken-log", mopts.accept_broken_log, "copy even when the change log does not verify");
    migrate->callback([&g] {
        std::string src_url = from.empty() ? g.db : from;
        auto source = OpenExisting(src_url);
        auto target = OpenTarget(to);
        if (org.empty()) {
            auto r = store::CopyStore(*source, *target, mopts);
            ReportLoad(g, "copied", target->Describe(), r);
            return;
        }
        if (mopts.force) throw Error::InvalidInput("--force replaces a whole store; it does not go with --org");
        target->Migrate();  // an empty target gets the schema; an older one is upgraded
        auto r = store::CopyOrganisation(*source, *target, org, mopts);
        if (g.format == "json") {
            PrintJson({{"org_id", r.org_id},
                       {"rows", r.rows},
                       {"log_entries", r.log_entries},
                       {"first_seq", r.first_seq},
                       {"last_seq", r.last_seq}});
            return;
        }
        Say(g, fmt::format("copied organisation {} ({} rows, {} change-log entries) into {}; its history is entries "
                           "{}–{} of the target's change log (the last one records the source)",
                           org, r.rows, r.log_entries, target->Describe(), r.first_seq, r.last_seq));
        Say(g, fmt::format("{} still holds the organisation; remove it there once the target is in use", source->Describe()));
    });
}

}  // namespace isms::cli
