#include "isms/catalog/views.hpp"

#include <fmt/format.h>

#include "isms/core/error.hpp"
#include "isms/core/time.hpp"

namespace isms::catalog {

using store::V;

namespace {

bool ValidName(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    auto ok_first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!ok_first(s.front())) return false;
    for (char c : s)
        if (!(ok_first(c) || c == '-' || c == '_' || c == '.')) return false;
    return true;
}

Json Definition(const SavedView& v) {
    return {{"description", v.description}, {"where", v.where}, {"sort", v.sort},
            {"group_by", v.group_by},       {"pivot", v.pivot}, {"columns", v.columns}};
}

SavedView FromRow(const store::Row& r) {
    SavedView v;
    v.name = r.Str(0);
    v.framework = r.Str(1);
    Json d = r.JsonAt(2);
    v.description = d.value("description", "");
    v.where = d.value("where", "");
    v.sort = d.value("sort", "");
    v.group_by = d.value("group_by", "");
    v.pivot = d.value("pivot", "");
    v.columns = d.value("columns", "");
    v.created_by = r.Str(3);
    v.updated_at = r.Str(4);
    v.version = r.Int(5);
    return v;
}

// kPreconditionFailed unless the stored view is at the version the caller read.
void RequireVersion(const SavedView& stored, std::optional<int64_t> if_version) {
    if (if_version && *if_version != stored.version)
        throw Error(ErrorCode::kPreconditionFailed,
                    fmt::format("the saved view '{}' changed meanwhile (now version {}, you sent {}): reload it and "
                                "apply your change again",
                                stored.name, stored.version, *if_version),
                    {{.field = "If-Match", .message = "stale version"}});
}

Json LogState(const SavedView& v) {
    Json j = Definition(v);
    j["framework"] = v.framework;
    return j;
}

constexpr const char* kSelect =
    "SELECT name, framework_id, definition_json, created_by, updated_at, version FROM views WHERE org_id = ?";

}  // namespace

store::LoggedTable ViewsLoggedTable() {
    store::LoggedTable t;
    t.entity = "view";
    t.current = [](store::Db& db) {
        std::map<std::pair<std::string, std::string>, Json> out;
        db.QueryEach("SELECT name, framework_id, definition_json, created_by, updated_at, version, org_id FROM views", {},
                     [&](const store::Row& r) { out[{r.Str(6), r.Str(0)}] = LogState(FromRow(r)); });
        return out;
    };
    return t;
}

std::vector<SavedView> ViewService::List(const Context& ctx) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) {
        std::vector<SavedView> out;
        for (const auto& r : db.Query(std::string(kSelect) + " ORDER BY name", {V(ctx.org_id)}))
            out.push_back(FromRow(r));
        return out;
    });
}

std::optional<SavedView> ViewService::Find(const Context& ctx, const std::string& name) {
    RequirePermission(ctx, Permission::kRead);
    return store_.Read([&](store::Db& db) -> std::optional<SavedView> {
        auto r = db.QueryOne(std::string(kSelect) + " AND name = ?", {V(ctx.org_id), V(name)});
        if (!r) return std::nullopt;
        return FromRow(*r);
    });
}

SavedView ViewService::Get(const Context& ctx, const std::string& name) {
    if (auto v = Find(ctx, name)) return *v;
    std::string known;
    for (const auto& v : List(ctx)) known += (known.empty() ? "" : ", ") + v.name;
    throw Error::NotFound(fmt::format("no saved view '{}'{}", name,
                                      known.empty() ? " (there are none yet)" : "; saved views: " + known));
}

ControlList ViewService::Run(const Context& ctx, const SavedView& view) {
    ControlQuery q;
    q.framework = view.framework;
    q.spec = {view.where, view.sort, view.group_by, view.pivot};
    q.columns = view.columns;
    return catalog_.Query(ctx, q);
}

ControlList ViewService::Run(const Context& ctx, const std::string& name) {
    SavedView v = Get(ctx, name);
    try {
        return Run(ctx, v);
    } catch (const Error& e) {
        // The vocabulary can change under a saved view (an imported framework is replaced): say which view.
        if (e.code() != ErrorCode::kInvalidInput) throw;
        throw Error::InvalidInput(fmt::format("saved view '{}' no longer runs: {}", name, e.what()), e.details());
    }
}

SavedView ViewService::Save(const Context& ctx, const SavedView& view, SaveMode mode, bool* created,
                            std::optional<int64_t> if_version) {
    RequirePermission(ctx, Permission::kViewsWrite);
    if (!ValidName(view.name))
        throw Error::InvalidInput(
            fmt::format("'{}' is not a valid view name: use 1 to 64 lower-case letters, digits, '-', '_' or '.', "
                        "starting with a letter or digit",
                        view.name),
            {{.field = "name", .message = "invalid name"}});
    if (view.description.size() > 500)
        throw Error::InvalidInput("a view's description is limited to 500 characters",
                                  {{.field = "description", .message = "too long"}});
    Run(ctx, view);  // validates every part against the framework's vocabulary (kInvalidInput names the field)

    SavedView stored = view;
    stored.created_by = ctx.actor;
    stored.updated_at = time::NowUtc();
    bool was_new = false;
    store_.Write(ctx, [&](store::WriteTx& tx) {
        auto existing = tx.QueryOne(std::string(kSelect) + " AND name = ?", {V(ctx.org_id), V(view.name)});
        if (existing && mode == SaveMode::kCreate)
            throw Error::Conflict(fmt::format("a saved view named '{}' exists already", view.name),
                                  {{.field = "name", .message = "taken"}});
        if (!existing && mode == SaveMode::kReplace) throw Error::NotFound(fmt::format("no saved view '{}'", view.name));
        std::string def = Definition(stored).dump();
        if (existing) {
            SavedView old = FromRow(*existing);
            RequireVersion(old, if_version);
            stored.created_by = old.created_by;
            stored.version = old.version + 1;
            tx.Exec("UPDATE views SET framework_id = ?, definition_json = ?, updated_at = ?, version = ? WHERE "
                    "org_id = ? AND name = ?",
                    {V(stored.framework), V(def), V(stored.updated_at), V(stored.version), V(ctx.org_id),
                     V(stored.name)});
            tx.Log(ctx.org_id, "view", stored.name, "update", LogState(old), LogState(stored));
        } else {
            stored.version = 1;
            tx.Exec("INSERT INTO views (org_id, name, framework_id, definition_json, created_by, updated_at, version) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    {V(ctx.org_id), V(stored.name), V(stored.framework), V(def), V(stored.created_by),
                     V(stored.updated_at), V(stored.version)});
            tx.Log(ctx.org_id, "view", stored.name, "create", nullptr, LogState(stored));
            was_new = true;
        }
    });
    if (created) *created = was_new;
    return stored;
}

void ViewService::Delete(const Context& ctx, const std::string& name, std::optional<int64_t> if_version) {
    RequirePermission(ctx, Permission::kViewsWrite);
    store_.Write(ctx, [&](store::WriteTx& tx) {
        auto existing = tx.QueryOne(std::string(kSelect) + " AND name = ?", {V(ctx.org_id), V(name)});
        if (!existing) throw Error::NotFound(fmt::format("no saved view '{}'", name));
        RequireVersion(FromRow(*existing), if_version);
        tx.Exec("DELETE FROM views WHERE org_id = ? AND name = ?", {V(ctx.org_id), V(name)});
        tx.Log(ctx.org_id, "view", name, "delete", LogState(FromRow(*existing)), nullptr);
    });
}

}  // namespace isms::catalog
