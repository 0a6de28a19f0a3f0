// The permission matrix: one place (documented in docs/security.md).
#include <fmt/format.h>

#include "isms/core/context.hpp"
#include "isms/core/error.hpp"

namespace isms {

namespace {
struct RoleInfo {
    Role role;
    std::string_view name;
};
constexpr RoleInfo kRoles[] = {
    {Role::kAdministrator, "administrator"}, {Role::kIsmsManager, "isms_manager"}, {Role::kRiskOwner, "risk_owner"},
    {Role::kAuditor, "auditor"},             {Role::kContributor, "contributor"},  {Role::kViewer, "viewer"},
};
}  // namespace

std::string_view RoleName(Role r) {
    for (const auto& i : kRoles)
        if (i.role == r) return i.name;
    return "viewer";
}

std::optional<Role> ParseRole(std::string_view name) {
    for (const auto& i : kRoles)
        if (i.name == name) return i.role;
    return std::nullopt;
}

std::vector<std::string> RoleNames() {
    std::vector<std::string> out;
    for (const auto& i : kRoles) out.emplace_back(i.name);
    return out;
}

std::string_view PermissionName(Permission p) {
    switch (p) {
        case Permission::kRead: return "read";
        case Permission::kCatalogEdit: return "catalog.edit";
        case Permission::kViewsWrite: return "views.write";
        case Permission::kRecordsWrite: return "records.write";
        case Permission::kRecordsApprove: return "records.approve";
        case Permission::kRiskWrite: return "risk.write";
        case Permission::kRiskAccept: return "risk.accept";
        case Permission::kSoaWrite: return "soa.write";
        case Permission::kSoaApprove: return "soa.approve";
        case Permission::kAuditWrite: return "audit.write";
        case Permission::kUsersAdmin: return "users.admin";
        case Permission::kTokensAdmin: return "tokens.admin";
        case Permission::kLogVerify: return "log.verify";
    }
    return "unknown";
}

bool HasPermission(Role role, Permission p) {
    using P = Permission;
    switch (role) {
        case Role::kAdministrator: return true;
        case Role::kIsmsManager: return p != P::kUsersAdmin;
        case Role::kRiskOwner:
            return p == P::kRead || p == P::kViewsWrite || p == P::kRecordsWrite || p == P::kRiskWrite ||
                   p == P::kRiskAccept || p == P::kLogVerify;
        case Role::kAuditor:
            return p == P::kRead || p == P::kViewsWrite || p == P::kAuditWrite || p == P::kLogVerify;
        case Role::kContributor: return p == P::kRead || p == P::kViewsWrite || p == P::kRecordsWrite;
        case Role::kViewer: return p == P::kRead;
    }
    return false;
}

void RequirePermission(const Context& ctx, Permission p) {
    if (ctx.system) return;
    if (!ctx.role) throw Error::Forbidden(fmt::format("'{}' has no role in this organisation", ctx.actor));
    if (!HasPermission(*ctx.role, p))
        throw Error::Forbidden(fmt::format("the role '{}' does not allow '{}'", RoleName(*ctx.role), PermissionName(p)));
}

}  // namespace isms
