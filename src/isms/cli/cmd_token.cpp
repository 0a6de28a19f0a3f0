// isms token create | list | revoke
#include <fmt/format.h>

#include "isms/cli/cli.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"

namespace isms::cli {

void RegisterToken(CLI::App& root, Globals& g) {
    auto* token = root.add_subcommand("token", "API tokens for automation (Authorization: Bearer)");
    token->require_subcommand(1);

    auto* create = token->add_subcommand("create", "create a token in the organisation; prints the secret once "
                                                   "(with --quiet: only the secret)");
    static std::string name, role = "viewer", expires = "90d";
    create->add_option("--name", name, "name, e.g. ci")->required();
    create->add_option("--role", role, fmt::format("role: {}", fmt::join(RoleNames(), ", ")))->capture_default_str();
    create->add_option("--expires", expires, "lifetime (90d, 12h, 2w) or 'never'")->capture_default_str();
    create->callback([&g] {
        auto app = OpenApp(g);
        auth::NewToken nt;
        nt.name = name;
        auto r = ParseRole(role);
        if (!r) throw Error::InvalidInput(fmt::format("unknown role '{}'", role), {{"role", "unknown role", RoleNames()}});
        nt.role = *r;
        if (expires != "never") {
            nt.lifetime = time::ParseDuration(expires);
            if (!nt.lifetime)
                throw Error::InvalidInput(fmt::format("'{}' is not a lifetime (e.g. 90d, 12h, 2w, never)", expires),
                                          {{"expires", "invalid"}});
        }
        auto created = app->tokens().Create(CliContext(*app, g), nt);
        if (g.format == "json") {
            PrintJson({{"id", created.token.id},
                       {"name", created.token.name},
                       {"role", RoleName(created.token.role)},
                       {"expires_at", created.token.expires_at},
                       {"token", created.secret}});
        } else if (g.quiet) {
            std::cout << created.secret << "\n";
        } else {
            std::cout << fmt::format("token '{}' ({}{}):\n{}\nStore it now: it is not shown again.\n", created.token.name,
                                     RoleName(created.token.role),
                                     created.token.expires_at.empty() ? ", no expiry"
                                                                      : ", expires " + created.token.expires_at,
                                     created.secret);
        }
    });

    token->add_subcommand("list", "tokens of the organisation")->callback([&g] {
        auto app = OpenApp(g);
        io::Table t{{"id", "name", "prefix", "role", "active", "expires_at", "last_used_at", "created_by"}, {}};
        for (const auto& k : app->tokens().List(CliContext(*app, g)))
            t.rows.push_back({k.id, k.name, k.prefix, std::string(RoleName(k.role)), k.active ? "yes" : "no",
                              k.expires_at, k.last_used_at, k.created_by});
        Print(t, g);
    });

    auto* revoke = token->add_subcommand("revoke", "revoke a token by id or name");
    static std::string key;
    revoke->add_option("token", key, "id, or name of an active token")->required();
    revoke->callback([&g] {
        auto app = OpenApp(g);
        auto t = app->tokens().Revoke(CliContext(*app, g), key);
        Say(g, fmt::format("token '{}' ({}) revoked", t.name, t.id));
    });
}

}  // namespace isms::cli
