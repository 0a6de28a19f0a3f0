// The permission matrix: the one place that says which role may do what. docs/security.md shows the same
// table; core_test checks that the two agree.
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

// One row per permission; the columns follow kRoles: administrator, isms_manager, risk_owner, auditor,
// contributor, viewer.
struct PermissionRow {
    Permission permission;
    std::string_view name;
    bool allowed[6];
};
constexpr PermissionRow kMatrix[] = {
    // allowed for: administrator, isms_manager, risk_owner, auditor, contributor, viewer
    {Permission::kRead, "read", {true, true, true, true, true, true}},
    {Permission::kCatalogEdit, "catalog.edit", {true, true, false, false, false, false}},
    {Permission::kViewsWrite, "views.write", {true, true, true, true, true, false}},
    {Permission::kRecordsWrite, "records.write", {true, true, true, false, true, false}},
    {Permission::kRecordsApprove, "records.approve", {true, true, false, false, false, false}},
    {Permission::kRiskWrite, "risk.write", {true, true, true, false, false, false}},
    // 27001 6.1.3 f): risk owners approve the treatment plan and accept residual risk.
    {Permission::kRiskAccept, "risk.accept", {true, true, true, false, false, false}},
    {Permission::kSoaWrite, "soa.write", {true, true, false, false, false, false}},
    {Permission::kSoaApprove, "soa.approve", {true, true, false, false, false, false}},
    // 27001 9.2: auditors record audits and findings; objectivity means they do not edit what they audit.
    {Permission::kAuditWrite, "audit.write", {true, true, false, true, false, false}},
    {Permission::kUsersAdmin, "users.admin", {true, false, false, false, false, false}},
    {Permission::kTokensAdmin, "tokens.admin", {true, true, false, false, false, false}},
    {Permission::kLogVerify, "log.verify", {true, true, true, true, false, false}},
};

size_t RoleIndex(Role r) {
    for (size_t i = 0; i < std::size(kRoles); ++i)
        if (kRoles[i].role == r) return i;
    return std::size(kRoles) - 1;
}
}  // namespace

std::string_view RoleName(Role r) { return kRoles[RoleIndex(r)].name; }

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

std::vector<Role> AllRoles() {
    std::vector<Role> out;
    for (const auto& i : kRoles) out.push_back(i.role);
    return out;
}

std::vector<Permission> AllPermissions() {
    std::vector<Permission> out;
    for (const auto& row : kMatrix) out.push_back(row.permission);
    return out;
}

std::string_view PermissionName(Permission p) {
    for (const auto& row : kMatrix)
        if (row.permission == p) return row.name;
    return "unknown";
}

bool HasPermission(Role role, Permission p) {
    for (const auto& row : kMatrix)
        if (row.permission == p) return row.allowed[RoleIndex(role)];
    return false;
}

bool RoleCovers(Role holder, Role granted) {
    for (const auto& row : kMatrix)
        if (row.allowed[RoleIndex(granted)] && !row.allowed[RoleIndex(holder)]) return false;
    return true;
}

void RequirePermission(const Context& ctx, Permission p) {
    if (ctx.system) return;
    if (!ctx.role) throw Error::Forbidden(fmt::format("'{}' has no role in this organisation", ctx.actor));
    if (!HasPermission(*ctx.role, p))
        throw Error::Forbidden(fmt::format("the role '{}' does not allow '{}'", RoleName(*ctx.role), PermissionName(p)));
}

}  // namespace isms
