// isms user add | list | disable | enable | reset-password | grant | revoke | totp enable|disable; isms roles
#include <fmt/format.h>

#include "isms/cli/cli.hpp"
#include "isms/core/error.hpp"

namespace isms::cli {

namespace {

Role ParseRoleOption(const std::string& name) {
    auto r = ParseRole(name);
    if (!r) throw Error::InvalidInput(fmt::format("unknown role '{}'", name), {{"role", "unknown role", RoleNames()}});
    return *r;
}

std::string Roles(const auth::User& u) {
    std::string out;
    for (const auto& m : u.memberships) out += fmt::format("{}{}:{}", out.empty() ? "" : ", ", m.org_slug, RoleName(m.role));
    return out;
}

}  // namespace

void RegisterUser(CLI::App& root, Globals& g) {
    auto* user = root.add_subcommand("user", "accounts and their roles per organisation");
    user->require_subcommand(1);

    auto* add = user->add_subcommand("add", "create an account (the password is asked for, or read with "
                                            "--password-stdin; never given as an argument)");
    static std::string add_name, add_display, add_role;
    static bool add_stdin = false;
    add->add_option("username", add_name, "username")->required();
    add->add_option("--display-name", add_display, "full name shown in the application");
    add->add_option("--role", add_role, "role in the organisation (--org): " + fmt::format("{}", fmt::join(RoleNames(), ", ")));
    add->add_flag("--password-stdin", add_stdin, "read the password from standard input");
    add->callback([&g] {
        auto app = OpenApp(g);
        auth::NewUser nu;
        if (!add_role.empty()) nu.role = ParseRoleOption(add_role);
        auto ctx = CliContext(*app, g, !nu.role);
        nu.username = add_name;
        nu.display_name = add_display;
        nu.password = ReadSecret("password for " + add_name, add_stdin, true);
        auto u = app->accounts().Create(ctx, nu);
        Say(g, fmt::format("created account '{}'{}", u.username,
                           nu.role ? fmt::format(" ({} in {})", RoleName(*nu.role), u.memberships.empty() ? "" : u.memberships[0].org_slug) : ""));
    });

    user->add_subcommand("list", "accounts (of --org; the local operator without --org sees every account)")
        ->callback([&g] {
            auto app = OpenApp(g);
            auto ctx = CliContext(*app, g, true);
            io::Table t{{"username", "display_name", "roles", "disabled", "totp", "created_at"}, {}};
            for (const auto& u : app->accounts().List(ctx))
                t.rows.push_back({u.username, u.display_name, Roles(u), u.disabled ? "yes" : "no",
                                  u.totp_enabled ? "yes" : "no", u.created_at});
            Print(t, g);
        });

    for (bool disable : {true, false}) {
        auto* cmd = user->add_subcommand(disable ? "disable" : "enable",
                                         disable ? "disable an account: it can no longer sign in; its sessions end"
                                                 : "enable a disabled account");
        auto* name = new std::string;  // lives as long as the program, like the static options elsewhere
        cmd->add_option("username", *name, "username")->required();
        cmd->callback([&g, name, disable] {
            auto app = OpenApp(g);
            app->accounts().SetDisabled(CliContext(*app, g, true), *name, disable);
            Say(g, fmt::format("account '{}' {}", *name, disable ? "disabled" : "enabled"));
        });
    }

    auto* reset = user->add_subcommand("reset-password", "set a new password; the account's sessions end");
    static std::string reset_name;
    static bool reset_stdin = false;
    reset->add_option("username", reset_name, "username")->required();
    reset->add_flag("--password-stdin", reset_stdin, "read the new password from standard input");
    reset->callback([&g] {
        auto app = OpenApp(g);
        auto ctx = CliContext(*app, g, true);
        std::string pw = ReadSecret("new password for " + reset_name, reset_stdin, true);
        app->accounts().ResetPassword(ctx, reset_name, pw);
        Say(g, fmt::format("new password set for '{}'", reset_name));
    });

    auto* grant = user->add_subcommand("grant", "give an account a role in the organisation (--org)");
    static std::string grant_name, grant_role;
    grant->add_option("username", grant_name, "username")->required();
    grant->add_option("role", grant_role, fmt::format("{}", fmt::join(RoleNames(), ", ")))->required();
    grant->callback([&g] {
        auto app = OpenApp(g);
        auto m = app->accounts().Grant(CliContext(*app, g), grant_name, ParseRoleOption(grant_role));
        Say(g, fmt::format("'{}' is {} in {}", grant_name, RoleName(m.role), m.org_slug));
    });

    auto* revoke = user->add_subcommand("revoke", "remove an account's role in the organisation (--org)");
    static std::string revoke_name;
    revoke->add_option("username", revoke_name, "username")->required();
    revoke->callback([&g] {
        auto app = OpenApp(g);
        app->accounts().Revoke(CliContext(*app, g), revoke_name);
        Say(g, fmt::format("'{}' no longer has a role in this organisation", revoke_name));
    });

    auto* totp = user->add_subcommand("totp", "second factor (one-time codes, RFC 6238)");
    totp->require_subcommand(1);
    auto* totp_on = totp->add_subcommand("enable", "switch the second factor on and print the secret and otpauth URI "
                                                   "to load into an authenticator app");
    static std::string totp_name;
    totp_on->add_option("username", totp_name, "username")->required();
    totp_on->callback([&g] {
        auto app = OpenApp(g);
        auto e = app->accounts().EnableTotp(CliContext(*app, g, true), totp_name);
        if (g.format == "json") {
            PrintJson({{"username", totp_name}, {"secret", e.secret}, {"uri", e.uri}});
        } else {
            std::cout << fmt::format("secret: {}\nuri:    {}\n", e.secret, e.uri);
        }
    });
    auto* totp_off = totp->add_subcommand("disable", "switch the second factor off (e.g. a lost phone)");
    static std::string totp_off_name;
    totp_off->add_option("username", totp_off_name, "username")->required();
    totp_off->callback([&g] {
        auto app = OpenApp(g);
        app->accounts().DisableTotp(CliContext(*app, g, true), totp_off_name);
        Say(g, fmt::format("second factor of '{}' switched off", totp_off_name));
    });

    root.add_subcommand("roles", "the permission matrix: which role may do what")->callback([&g] {
        io::Table t;
        t.columns.push_back("permission");
        for (const auto& r : RoleNames()) t.columns.push_back(r);
        for (auto p : AllPermissions()) {
            std::vector<std::string> row{std::string(PermissionName(p))};
            for (auto r : AllRoles()) row.push_back(HasPermission(r, p) ? "yes" : "-");
            t.rows.push_back(row);
        }
        Print(t, g);
    });
}

}  // namespace isms::cli
