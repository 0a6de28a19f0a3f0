// Who is acting, for which organisation: passed to every domain service call.
//
// Domain services check permissions themselves (RequirePermission), so the CLI acting as a user obeys the
// same rules as the HTTP API. The permission matrix lives in permissions.cpp and is documented in
// docs/security.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace isms {

// Roles per organisation (a person may hold different roles in different organisations).
enum class Role { kAdministrator, kIsmsManager, kRiskOwner, kAuditor, kContributor, kViewer };

enum class Permission {
    kRead,            // read anything of the organisation
    kCatalogEdit,     // attribute overrides, licensed-text import, imported frameworks
    kViewsWrite,      // saved views
    kRecordsWrite,    // create/edit ISMS records
    kRecordsApprove,  // approve/publish documents and records
    kRiskWrite,       // risks, treatments
    kRiskAccept,      // accept residual risk (further limited by the acceptance criteria)
    kSoaWrite,        // SoA decisions
    kSoaApprove,      // approve a SoA version
    kAuditWrite,      // audits, findings
    kUsersAdmin,      // users, roles, organisation settings
    kTokensAdmin,     // API tokens
    kLogVerify,       // read and verify the change log
};

std::string_view RoleName(Role r);                     // "administrator", "isms_manager", …
std::optional<Role> ParseRole(std::string_view name);  // accepts the names above
std::vector<std::string> RoleNames();
std::string_view PermissionName(Permission p);  // "read", "records.write", …
std::vector<Role> AllRoles();                    // in the order of RoleNames()
std::vector<Permission> AllPermissions();        // in the order of the matrix

struct Context {
    std::string org_id;          // organisation the call is scoped to ("" only for org-less system calls)
    std::string actor;           // recorded in the change log: "user:alice", "token:ci", "cli:root", "system"
    std::string user_id;         // the account acting (user or the token's owner); "" for system/local operator
    std::optional<Role> role;    // the actor's role in org_id; nullopt for the system actor
    std::string request_id;      // for logs; may be empty
    bool system = false;         // trusted local operation (init, migrations, demo seeding)

    static Context System(std::string org_id = {}) {
        Context c;
        c.org_id = std::move(org_id);
        c.actor = "system";
        c.system = true;
        return c;
    }
};

bool HasPermission(Role role, Permission p);
// True when `holder` has every permission `granted` has: nobody hands out more than they hold (tokens,
// role grants).
bool RoleCovers(Role holder, Role granted);
// Throws Error(kForbidden) naming the permission and the role when the context may not do `p`.
void RequirePermission(const Context& ctx, Permission p);

}  // namespace isms
