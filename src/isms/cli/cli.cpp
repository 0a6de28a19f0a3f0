#include "isms/cli/cli.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "isms/core/error.hpp"
#include "isms/core/logging.hpp"

namespace isms::cli {

std::unique_ptr<app::App> OpenApp(const Globals& g) {
    app::AppOptions o;
    o.db_url = g.db;
    return std::make_unique<app::App>(o);
}

Context CliContext(app::App& app, const Globals& g, bool org_optional) {
    if (!g.token.empty()) {
        auto c = app.tokens().Authenticate(g.token, g.org);
        if (!c) throw Error::Unauthenticated("the API token is not valid (unknown, expired or revoked)");
        return *c;
    }
    if (!g.as_user.empty()) {
        auto u = app.accounts().FindByUsername(auth::AccountService::NormaliseUsername(g.as_user));
        if (!u || u->disabled) throw Error::Unauthenticated(fmt::format("no enabled account '{}'", g.as_user));
        return app.accounts().ContextFor(*u, g.org, "user:" + u->username);
    }
    return LocalOperator(org_optional && g.org.empty() ? std::string() : app.organisations().Resolve(g.org).id);
}

namespace {
// Who runs the command, for the change log: the system's name for the process's user (getpwuid, so a container
// running as root says "root"), else $USER or $LOGNAME, else the numeric uid ("uid-1000") when the user has no
// name at all (an arbitrary uid in a container).
std::string OperatorName() {
    uid_t uid = getuid();
    std::vector<char> buf(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found && found->pw_name && *found->pw_name)
        return found->pw_name;
    for (const char* var : {"USER", "LOGNAME"})
        if (const char* v = std::getenv(var); v && *v) return v;
    return "uid-" + std::to_string(uid);
}
}  // namespace

Context LocalOperator(std::string org_id) {
    Context c;
    c.org_id = std::move(org_id);
    c.actor = "cli:" + OperatorName();
    // The local operator holds the database file and so every right over it.
    c.role = Role::kAdministrator;
    c.system = true;
    return c;
}

std::string ReadSecret(const std::string& prompt, bool from_stdin, bool confirm) {
    auto strip = [](std::string s) {
        while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
        return s;
    };
    if (from_stdin) {
        std::string line;
        if (!std::getline(std::cin, line)) throw Error::InvalidInput("no password on standard input");
        return strip(line);
    }
    if (!isatty(STDIN_FILENO))
        throw Error::InvalidInput("there is no terminal to ask for the password: pipe it in with --password-stdin",
                                  {{"password", "required"}});
    auto ask = [&](const std::string& p) {
        std::cerr << p << std::flush;
        termios old{};
        tcgetattr(STDIN_FILENO, &old);
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        std::string line;
        std::getline(std::cin, line);
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::cerr << "\n";
        return strip(line);
    };
    std::string first = ask(prompt + ": ");
    if (confirm && ask("again: ") != first) throw Error::InvalidInput("the two entries differ");
    return first;
}

std::string ReadInput(const std::string& path) {
    if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error::NotFound(fmt::format("cannot read '{}'", path));
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteOutput(const std::string& path, const std::string& bytes) {
    if (path.empty() || path == "-") {
        std::cout << bytes << std::flush;
        return;
    }
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out || !out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())))
            throw Error::Unavailable(fmt::format("cannot write '{}'", path));
    }
    std::filesystem::rename(tmp, path);
}

// The width tables must fit: COLUMNS when set (so scripts and tests can choose), else the terminal's width
// when standard output is a terminal, else no limit (a file or pipe gets whole cells up to the cell limit).
size_t OutputWidth() {
    if (const char* cols = std::getenv("COLUMNS"); cols && *cols) {
        char* end = nullptr;
        long v = std::strtol(cols, &end, 10);
        if (end && *end == '\0' && v >= 20 && v <= 10000) return static_cast<size_t>(v);
    }
    struct winsize ws {};
    if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
    return 0;
}

std::string WrapLines(const std::string& text, size_t width, size_t indent) {
    if (width == 0) width = 100;
    std::string out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        size_t col = 0;
        std::istringstream words(line);
        for (std::string w; words >> w;) {
            size_t n = 0;
            for (unsigned char c : w) n += (c & 0xC0) != 0x80;
            if (col > 0 && col + 1 + n > width) {
                out += "\n" + std::string(indent, ' ');
                col = indent;
            } else if (col > 0) {
                out += ' ';
                ++col;
            }
            out += w;
            col += n;
        }
        out += '\n';
    }
    return out;
}

void Print(const io::Table& t, const Globals& g) {
    std::cout << io::Render(t, g.Format(), OutputWidth()) << std::flush;
}

void PrintJson(const Json& j) { std::cout << j.dump(2, ' ', false, Json::error_handler_t::replace) << "\n"; }

void Say(const Globals& g, const std::string& line) {
    if (g.quiet || g.format == "json") return;
    std::cout << line << "\n";
}

namespace {
void PrintError(const Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    for (const auto& d : e.details()) {
        std::string where;
        if (d.line) where += fmt::format("line {}", d.line);
        if (d.column) where += fmt::format("{}column {}", where.empty() ? "" : ", ", d.column);
        if (!d.field.empty()) where += fmt::format("{}field '{}'", where.empty() ? "" : ", ", d.field);
        std::string msg = d.message;
        if (!d.allowed.empty()) {
            msg += " (allowed: ";
            for (size_t i = 0; i < d.allowed.size(); ++i) msg += (i ? ", " : "") + d.allowed[i];
            msg += ")";
        }
        if (where.empty() && msg == e.what()) continue;
        std::cerr << "  " << (where.empty() ? "" : where + ": ") << msg << "\n";
    }
}
}  // namespace

int Main(int argc, char** argv) {
    // Warnings and errors of libraries go to standard error; standard output is the command's result.
    logging::Configure(logging::Format::kText, logging::Level::kWarn);
    CLI::App root{"isms — an ISO/IEC 27001:2022 information security management system"};
    root.require_subcommand(1);
    root.set_version_flag("--version", std::string("isms ") + ISMS_VERSION);
    Globals g;
    if (const char* db = std::getenv("ISMS_DB"); db && *db) g.db = db;
    if (g.db.empty()) g.db = "isms.db";
    if (const char* o = std::getenv("ISMS_ORG"); o && *o) g.org = o;
    root.add_option("--db", g.db, "database: a SQLite file, sqlite:FILE or postgresql://user@host/db ($ISMS_DB)")
        ->capture_default_str();
    root.add_option("--org", g.org, "organisation slug or id ($ISMS_ORG); optional when there is only one");
    root.add_option("--format,-f", g.format, "output: table, json, csv, markdown")->capture_default_str();
    root.add_flag("--quiet,-q", g.quiet, "print only results");
    if (const char* t = std::getenv("ISMS_TOKEN"); t && *t) g.token = t;
    root.add_option("--token", g.token, "act with this API token's organisation and role ($ISMS_TOKEN)");
    root.add_option("--as", g.as_user, "act as this account, with its role (default: the local operator, who has "
                                       "every right)");
    root.fallthrough();

    for (Register r : {RegisterInit, RegisterServe, RegisterLog, RegisterOrg, RegisterApi, RegisterUser, RegisterToken,
                       RegisterBackup})
        r(root, g);
    RegisterDomainCommands(root, g);

    try {
        root.parse(argc, argv);
        return 0;
    } catch (const CLI::CallForHelp& e) {
        return root.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return root.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return root.exit(e);
    } catch (const CLI::RuntimeError& e) {
        // Thrown by a command whose check does not hold (e.g. `log verify`): its exit code, no message.
        return e.get_exit_code();
    } catch (const CLI::ParseError& e) {
        root.exit(e);
        return 2;
    } catch (const Error& e) {
        PrintError(e);
        return ExitCode(e.code());
    } catch (const std::exception& e) {
        std::cerr << "error: internal: " << e.what() << "\n";
        return 70;
    }
}

}  // namespace isms::cli
