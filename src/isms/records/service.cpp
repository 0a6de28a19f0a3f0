#include "isms/records/service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <set>

#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/records/engine.hpp"
#include "isms/records/values.hpp"

namespace isms::records {

using store::Null;
using store::V;

Record RecordFromRow(const store::Row& r, size_t o) {
    Record rec;
    rec.type = r.Str(o + 0);
    rec.id = r.Str(o + 1);
    rec.version = r.Int(o + 2);
    rec.revision = r.Int(o + 3);
    rec.state = r.Str(o + 4);
    rec.title = r.Str(o + 5);
    rec.data = r.JsonAt(o + 6);
    if (!rec.data.is_object()) rec.data = Json::object();
    rec.archived = r.Int(o + 7) != 0;
    rec.next_review = r.OptStr(o + 8);
    rec.approved_by = r.OptStr(o + 9);
    rec.approved_at = r.OptStr(o + 10);
    rec.created_at = r.Str(o + 11);
    rec.created_by = r.Str(o + 12);
    rec.updated_at = r.Str(o + 13);
    rec.updated_by = r.Str(o + 14);
    return rec;
}

namespace engine {

namespace {

constexpr const char* kColumns = kRecordColumns;

Record FromRow(const store::Row& r) { return RecordFromRow(r); }

std::string Lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string KeyOf(const Json& v) { return Lower(ValueToText(v)); }

// Every value a field holds (one for scalars).
std::vector<Json*> Items(Json& v) {
    std::vector<Json*> out;
    if (v.is_array()) {
        for (auto& item : v) out.push_back(&item);
    } else {
        out.push_back(&v);
    }
    return out;
}

}  // namespace

std::string Entity(std::string_view type) { return "record." + std::string(type); }

std::optional<Record> Load(store::Db& db, std::string_view org, std::string_view type, std::string_view id) {
    auto r = db.QueryOne(fmt::format("SELECT {} FROM records WHERE org_id = ? AND type = ? AND id = ?", kColumns),
                         {V(org), V(type), V(id)});
    if (!r) return std::nullopt;
    return FromRow(*r);
}

Record LoadOrThrow(store::Db& db, const RecordType& t, std::string_view org, std::string_view id) {
    auto r = Load(db, org, t.name, id);
    if (!r) throw Error::NotFound(fmt::format("no {} '{}'", t.name, id));
    return *r;
}

void CheckVersion(const Record& r, std::optional<int64_t> expected) {
    if (expected && *expected != r.version)
        throw Error(ErrorCode::kPreconditionFailed,
                    fmt::format("{} {} is at version {}, not {}: someone changed it meanwhile; reload it and apply "
                                "your change again",
                                r.type, r.id, r.version, *expected),
                    {{"version", fmt::format("current version is {}", r.version)}});
}

void RequireNotArchived(const Record& r, std::string_view what) {
    if (r.archived)
        throw Error::Conflict(fmt::format("{} {} is archived: unarchive it before you {} it", r.type, r.id, what));
}

void CheckId(std::string_view id) {
    bool ok = !id.empty() && id.size() <= 64 && std::isalnum(static_cast<unsigned char>(id[0]));
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') ok = false;
    // These name API routes beside the records (/api/v1/records/{type}/export).
    if (Lower(std::string(id)) == "import" || Lower(std::string(id)) == "export") ok = false;
    if (!ok)
        throw Error::InvalidInput(fmt::format("'{}' is not a valid record id: use 1 to 64 letters, digits, '.', '_' "
                                              "or '-', starting with a letter or digit",
                                              id),
                                  {{"id", "invalid id"}});
}

std::pair<std::string, int64_t> NextId(store::Db& db, const RecordType& t, std::string_view org,
                                       const std::set<std::string>& also_taken) {
    int64_t seq = db.QueryOne("SELECT COALESCE(MAX(seq), 0) FROM records WHERE org_id = ? AND type = ?",
                              {V(org), V(t.name)})
                      ->Int(0) +
                  1;
    for (int64_t n = seq;; ++n) {
        std::string id = fmt::format("{}-{}", t.id_prefix, n);
        if (also_taken.count(id)) continue;
        if (!db.QueryOne("SELECT 1 FROM records WHERE org_id = ? AND type = ? AND id = ?", {V(org), V(t.name), V(id)}))
            return {id, seq};
    }
}

bool Prepare(store::Db& db, const RecordType& t, const std::string& org, const std::string& self_id, Json& data,
             std::vector<ErrorDetail>& problems, Batch* batch, int line) {
    size_t first = problems.size();
    auto add = [&](ErrorDetail d) {
        d.line = line;
        problems.push_back(std::move(d));
    };
    for (auto& d : CheckData(t, data)) add(std::move(d));
    bool conflict = false;
    for (const auto& f : t.fields) {
        if (!data.contains(f.name)) continue;
        Json& value = data[f.name];
        for (Json* item : Items(value)) {
            if (!item->is_string()) continue;  // already reported by CheckData
            std::string v = item->get<std::string>();
            if (f.IsRecordLink()) {
                if (RecordExists(db, org, f.link_type, v)) continue;
                if (batch && batch->ids.count(f.link_type + "\x1f" + v)) continue;
                // A unique value of the target names the record too (a person's e-mail address).
                auto key = db.QueryOne("SELECT id FROM record_keys WHERE org_id = ? AND type = ? AND value = ?",
                                       {V(org), V(f.link_type), V(Lower(v))});
                if (key) {
                    *item = key->Str(0);
                    continue;
                }
                add({f.name, fmt::format("no {} '{}' in this organisation", f.link_type, v)});
            } else if (f.item_type == FieldType::kControl) {
                if (!db.QueryOne("SELECT 1 FROM controls WHERE (org_id = '' OR org_id = ?) AND id = ?", {V(org), V(v)}))
                    add({f.name, fmt::format("no control '{}' in the catalog", v)});
            } else if (f.item_type == FieldType::kAttachment) {
                if (!db.QueryOne("SELECT 1 FROM attachments WHERE org_id = ? AND sha256 = ?", {V(org), V(v)}))
                    add({f.name, fmt::format("no attachment {} has been uploaded", v)});
            }
        }
        if (f.unique && !f.IsList()) {
            std::string key = KeyOf(value);
            auto other = db.QueryOne("SELECT id FROM record_keys WHERE org_id = ? AND type = ? AND field = ? AND "
                                     "value = ? AND id <> ?",
                                     {V(org), V(t.name), V(f.name), V(key), V(self_id)});
            std::string clash;
            if (other) clash = other->Str(0);
            if (batch) {
                auto [it, inserted] = batch->keys.emplace(f.name + "\x1f" + key, std::make_pair(self_id, line));
                if (!inserted && it->second.first != self_id)
                    clash = it->second.second ? fmt::format("line {}", it->second.second) : it->second.first;
            }
            if (!clash.empty()) {
                add({f.name, fmt::format("'{}' is already the {} of {} {}", ValueToText(value), f.label, t.name, clash)});
                conflict = true;
            }
        }
    }
    return conflict && problems.size() > first;
}

void ThrowProblems(std::string_view what, std::vector<ErrorDetail> problems, bool conflict) {
    std::string msg = Summarise(what, problems);
    if (conflict) throw Error::Conflict(msg, std::move(problems));
    throw Error::InvalidInput(msg, std::move(problems));
}

void SaveRevision(store::WriteTx& tx, const Record& rec) {
    const std::string& org = tx.ctx().org_id;
    tx.Exec("DELETE FROM record_revisions WHERE org_id = ? AND type = ? AND id = ? AND revision = ?",
            {V(org), V(rec.type), V(rec.id), V(rec.revision)});
    tx.Exec("INSERT INTO record_revisions (org_id, type, id, revision, state, data_json, approved_by, approved_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {V(org), V(rec.type), V(rec.id), V(rec.revision), V(rec.state), V(rec.data.dump()),
             V(rec.approved_by.value_or("")), V(rec.approved_at.value_or("")), V(time::NowUtc())});
}

bool Persist(store::WriteTx& tx, const RecordType& t, Record& rec, const Record* before, std::string_view op,
             const Json& event, std::vector<ErrorDetail>* refused) {
    const Context& ctx = tx.ctx();
    const std::string& org = ctx.org_id;
    std::string now = time::NowUtc();
    rec.type = t.name;
    rec.title = rec.data.contains(t.title_field) ? ValueToText(rec.data[t.title_field]) : "";
    if (rec.title.empty()) rec.title = rec.id;
    rec.updated_at = now;
    rec.updated_by = ctx.actor;
    rec.next_review = RecordService::NextReview(t, rec);
    if (!t.rules.empty()) {
        std::vector<ErrorDetail> problems;
        std::string_view transition = op == "transition" && event.is_object() && event.contains("transition")
                                          ? std::string_view(event["transition"].get_ref<const std::string&>())
                                          : std::string_view();
        RuleCall call{tx, ctx, t, before, rec, op, transition};
        for (const auto& rule : t.rules) rule(call, problems);
        if (!problems.empty()) {
            if (event.is_object() && event.contains("import_line"))
                for (auto& p : problems) p.line = event["import_line"].get<int>();
            if (refused) {
                for (auto& p : problems) refused->push_back(std::move(p));
                return false;
            }
            std::string what = !before ? fmt::format("the {} cannot be saved", t.name)
                               : op == "transition"
                                   ? fmt::format("{} {} cannot '{}'", t.name, rec.id, transition)
                                   : fmt::format("{} {} cannot be saved", t.name, rec.id);
            ThrowProblems(what, std::move(problems), false);
        }
    }
    std::vector<store::Value> row = {V(rec.revision), V(rec.state), V(rec.title), V(rec.data.dump()),
                                     V(rec.archived), V(rec.next_review), V(rec.approved_by), V(rec.approved_at),
                                     V(rec.updated_at), V(rec.updated_by)};
    if (!before) {
        rec.version = 1;
        rec.created_at = now;
        rec.created_by = ctx.actor;
        int64_t seq = NextId(tx, t, org).second;
        row.insert(row.begin(), {V(org), V(t.name), V(rec.id), V(seq), V(rec.version)});
        row.push_back(V(rec.created_at));
        row.push_back(V(rec.created_by));
        tx.Exec("INSERT INTO records (org_id, type, id, seq, version, revision, state, title, data_json, archived, "
                "next_review, approved_by, approved_at, updated_at, updated_by, created_at, created_by) VALUES (?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row);
    } else {
        rec.version = before->version + 1;
        rec.created_at = before->created_at;
        rec.created_by = before->created_by;
        row.insert(row.begin(), V(rec.version));
        for (auto v : {V(org), V(t.name), V(rec.id), V(before->version)}) row.push_back(v);
        // Guarded by the version read earlier in this transaction, so two servers cannot both win.
        auto n = tx.Exec("UPDATE records SET version = ?, revision = ?, state = ?, title = ?, data_json = ?, "
                         "archived = ?, next_review = ?, approved_by = ?, approved_at = ?, updated_at = ?, "
                         "updated_by = ? WHERE org_id = ? AND type = ? AND id = ? AND version = ?",
                         row);
        if (n != 1) CheckVersion(*Load(tx, org, t.name, rec.id), before->version);
    }
    // The link and key index.
    tx.Exec("DELETE FROM record_links WHERE org_id = ? AND from_type = ? AND from_id = ?", {V(org), V(t.name), V(rec.id)});
    tx.Exec("DELETE FROM record_keys WHERE org_id = ? AND type = ? AND id = ?", {V(org), V(t.name), V(rec.id)});
    for (const auto& f : t.fields) {
        if (!rec.data.contains(f.name)) continue;
        std::string target = f.IsRecordLink()                          ? f.link_type
                             : f.item_type == FieldType::kControl     ? kControlTarget
                             : f.item_type == FieldType::kAttachment ? kAttachmentTarget
                                                                      : "";
        if (!target.empty()) {
            for (Json* item : Items(rec.data[f.name]))
                tx.Exec("INSERT INTO record_links (org_id, from_type, from_id, field, to_type, to_id) VALUES (?, ?, ?, "
                        "?, ?, ?)",
                        {V(org), V(t.name), V(rec.id), V(f.name), V(target), V(item->get<std::string>())});
        }
        if (f.unique)
            tx.Exec("INSERT INTO record_keys (org_id, type, field, value, id) VALUES (?, ?, ?, ?, ?)",
                    {V(org), V(t.name), V(f.name), V(KeyOf(rec.data[f.name])), V(rec.id)});
    }
    Json after = ToJson(rec);
    if (!event.is_null()) after["event"] = event;
    tx.Log(org, Entity(t.name), rec.id, op, before ? ToJson(*before) : Json(nullptr), after);
    return true;
}

bool ReviseIfLocked(store::WriteTx& tx, const RecordType& t, const Record& before, Record& rec) {
    if (!t.IsLocked(before.state)) return false;
    // The approved revision stays as it was; the change starts the next revision as a draft that goes
    // through approval again.
    SaveRevision(tx, before);
    rec.revision = before.revision + 1;
    rec.state = t.versioning.draft_state;
    rec.approved_by.reset();
    rec.approved_at.reset();
    if (!t.versioning.approved_on_field.empty()) rec.data.erase(t.versioning.approved_on_field);
    if (!t.versioning.approved_by_field.empty()) rec.data.erase(t.versioning.approved_by_field);
    return true;
}

std::string TransitionRefusal(const Context& ctx, const RecordType& t, const Transition& tr) {
    if (ctx.system) return "";
    if (!tr.roles.empty()) {
        if (ctx.role && (*ctx.role == Role::kAdministrator ||
                         std::find(tr.roles.begin(), tr.roles.end(), *ctx.role) != tr.roles.end()))
            return "";
        std::string roles;
        for (auto r : tr.roles) roles += (roles.empty() ? "" : ", ") + std::string(RoleName(r));
        return fmt::format("only the roles {} may '{}' a {}", roles, tr.name, t.name);
    }
    Permission p = tr.permission.value_or(t.write_permission);
    if (!ctx.role) return fmt::format("'{}' has no role in this organisation", ctx.actor);
    if (!HasPermission(*ctx.role, p))
        return fmt::format("the role '{}' does not allow '{}'", RoleName(*ctx.role), PermissionName(p));
    return "";
}

std::vector<ErrorDetail> MissingForTransition(const Transition& tr, const Json& data) {
    std::vector<ErrorDetail> missing;
    for (const auto& f : tr.requires_fields)
        if (!data.contains(f) || IsEmptyValue(data[f]))
            missing.push_back({f, fmt::format("is required to '{}'", tr.name)});
    return missing;
}

std::optional<std::vector<const Transition*>> PathTo(const RecordType& t, const std::string& from,
                                                     const std::string& to) {
    // Breadth first over the states; `via` remembers, for each state, the state and transition that first
    // reached it.
    std::map<std::string, std::pair<std::string, const Transition*>> via;
    std::deque<std::string> queue{from};
    std::set<std::string> seen{from};
    while (!queue.empty() && !seen.count(to)) {
        std::string state = queue.front();
        queue.pop_front();
        for (const auto& tr : t.workflow.transitions) {
            if (seen.count(tr.to) || std::find(tr.from.begin(), tr.from.end(), state) == tr.from.end()) continue;
            seen.insert(tr.to);
            via[tr.to] = {state, &tr};
            queue.push_back(tr.to);
        }
    }
    if (!seen.count(to)) return std::nullopt;
    std::vector<const Transition*> path;
    for (std::string state = to; state != from; state = via.at(state).first)
        path.insert(path.begin(), via.at(state).second);
    return path;
}

std::optional<std::string> TransitionAccount(store::Db& db, std::string_view org, const RecordType& t,
                                             const Transition& tr, const Json& data, const AccountRoleLookup& role_of) {
    if (tr.by_field.empty() || !data.contains(tr.by_field) || !data[tr.by_field].is_string()) return std::nullopt;
    auto person = Load(db, org, "person", data[tr.by_field].get<std::string>());
    if (!person || !person->data.contains("username")) return std::nullopt;
    std::string username = ValueToText(person->data["username"]);
    if (username.empty()) return std::nullopt;
    if (role_of) {
        auto member = role_of(db, org, username);
        if (!member) return std::nullopt;
        Context account;
        account.org_id = std::string(org);
        account.actor = "user:" + member->username;
        account.role = member->role;
        if (!TransitionRefusal(account, t, tr).empty()) return std::nullopt;
        return member->username;
    }
    return username;
}

std::string TransitionActorRefusal(store::Db& db, const Context& ctx, const RecordType& t, std::string_view id,
                                   const Json& data, const Transition& tr, const AccountRoleLookup& role_of) {
    if (ctx.system) return "";
    auto account = TransitionAccount(db, ctx.org_id, t, tr, data, role_of);
    if (!account || "user:" + *account == ctx.actor) return "";
    return fmt::format("{} {} names {} as its {}: only their account '{}' may '{}' it, not '{}'", t.name, id,
                       ValueToText(data[tr.by_field]), tr.by_field, *account, tr.name, ctx.actor);
}

void ApplyTransition(const Context& ctx, const RecordType& t, Record& rec, const Transition& tr) {
    if (std::string why = TransitionRefusal(ctx, t, tr); !why.empty()) throw Error::Forbidden(why);
    std::vector<ErrorDetail> missing = MissingForTransition(tr, rec.data);
    if (!missing.empty())
        ThrowProblems(fmt::format("{} {} cannot '{}' yet", t.name, rec.id, tr.name), std::move(missing), false);
    rec.state = tr.to;
    if (tr.approval) {
        rec.approved_by = ctx.actor;
        rec.approved_at = time::NowUtc();
        if (!t.versioning.approved_on_field.empty()) rec.data[t.versioning.approved_on_field] = time::Today();
        if (!t.versioning.approved_by_field.empty()) rec.data[t.versioning.approved_by_field] = ctx.actor;
    }
}

}  // namespace engine

using namespace engine;

Json ToJson(const Record& r) {
    auto opt = [](const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); };
    return {{"type", r.type},
            {"id", r.id},
            {"version", r.version},
            {"revision", r.revision},
            {"state", r.state},
            {"title", r.title},
            {"data", r.data},
            {"archived", r.archived},
            {"next_review", opt(r.next_review)},
            {"approved_by", opt(r.approved_by)},
            {"approved_at", opt(r.approved_at)},
            {"created_at", r.created_at},
            {"created_by", r.created_by},
            {"updated_at", r.updated_at},
            {"updated_by", r.updated_by}};
}

Json ToJson(const Revision& r) {
    return {{"revision", r.revision},       {"state", r.state},         {"data", r.data},
            {"approved_by", r.approved_by}, {"approved_at", r.approved_at}, {"updated_at", r.updated_at},
            {"current", r.current}};
}

Json ToJson(const Attachment& a) {
    return {{"sha256", a.sha256},         {"filename", a.filename},     {"content_type", a.content_type},
            {"size", a.size},             {"created_at", a.created_at}, {"created_by", a.created_by}};
}

RecordService::RecordService(store::Store& store, const TypeRegistry& types) : store_(store), types_(types) {}

std::optional<std::string> RecordService::NextReview(const RecordType& t, const Record& r) {
    const auto& rv = t.review;
    if (!rv.enabled() || r.archived) return std::nullopt;
    if (!rv.states.empty() && std::find(rv.states.begin(), rv.states.end(), r.state) == rv.states.end())
        return std::nullopt;
    auto date_field = [&](const std::string& name) -> std::optional<std::chrono::sys_days> {
        if (name.empty() || !r.data.contains(name) || !r.data[name].is_string()) return std::nullopt;
        return time::ParseDate(r.data[name].get<std::string>());
    };
    if (auto due = date_field(rv.due_field)) return time::FormatDate(*due);
    std::optional<Period> interval = rv.interval;
    if (!rv.interval_field.empty() && r.data.contains(rv.interval_field) && r.data[rv.interval_field].is_string())
        if (auto p = ParsePeriod(r.data[rv.interval_field].get<std::string>())) interval = p;
    if (!interval) return std::nullopt;
    auto base = date_field(rv.base_field);
    if (!base && r.approved_at) base = time::ParseDate(r.approved_at->substr(0, 10));
    if (!base) base = time::ParseDate((r.created_at.empty() ? time::Today() : r.created_at).substr(0, 10));
    if (!base) return std::nullopt;
    return time::FormatDate(AddPeriod(*base, *interval));
}

Record RecordService::Create(const Context& ctx, std::string_view type, Json data, std::string id) {
    const RecordType& t = types_.Get(type);
    RequirePermission(ctx, t.write_permission);
    return store_.Write(ctx, [&](store::WriteTx& tx) { return CreateIn(tx, t.name, std::move(data), id); });
}

Record RecordService::CreateIn(store::WriteTx& tx, std::string_view type, Json data, std::string id) {
    const RecordType& t = types_.Get(type);
    const Context& ctx = tx.ctx();
    if (!id.empty()) CheckId(id);
    if (!data.is_object()) throw Error::InvalidInput(fmt::format("the data of a {} must be an object of fields", t.name));
    for (const auto& f : t.fields)
        if (!f.default_value.is_null() && (!data.contains(f.name) || data[f.name].is_null()))
            data[f.name] = f.default_value;
    if (id.empty()) {
        id = NextId(tx, t, ctx.org_id).first;
    } else if (Load(tx, ctx.org_id, t.name, id)) {
        throw Error::Conflict(fmt::format("{} '{}' exists already", t.name, id));
    }
    std::vector<ErrorDetail> problems;
    bool conflict = Prepare(tx, t, ctx.org_id, id, data, problems);
    if (!problems.empty()) ThrowProblems(fmt::format("the {} cannot be saved", t.name), problems, conflict);
    Record rec;
    rec.id = id;
    rec.state = t.workflow.initial;
    rec.data = std::move(data);
    Persist(tx, t, rec, nullptr, "create");
    return rec;
}

std::optional<Record> RecordService::Find(const Context& ctx, std::string_view type, std::string_view id) {
    RequirePermission(ctx, Permission::kRead);
    const RecordType& t = types_.Get(type);
    return store_.Read([&](store::Db& db) { return Load(db, ctx.org_id, t.name, id); });
}

std::map<std::string, std::string> RecordService::TransitionAccounts(const Context& ctx, const Record& rec) {
    RequirePermission(ctx, Permission::kRead);
    const RecordType& t = types_.Get(rec.type);
    std::map<std::string, std::string> out;
    bool any = std::any_of(t.workflow.transitions.begin(), t.workflow.transitions.end(),
                           [](const auto& tr) { return !tr.by_field.empty(); });
    if (!any) return out;
    store_.Read([&](store::Db& db) {
        for (const auto& tr : t.workflow.transitions)
            if (auto account = TransitionAccount(db, ctx.org_id, t, tr, rec.data, account_role_))
                out[tr.name] = *account;
    });
    return out;
}

Record RecordService::Get(const Context& ctx, std::string_view type, std::string_view id) {
    RequirePermission(ctx, Permission::kRead);
    const RecordType& t = types_.Get(type);
    return store_.Read([&](store::Db& db) { return LoadOrThrow(db, t, ctx.org_id, id); });
}

std::map<std::string, std::vector<std::string>> RecordService::FieldValues(const RecordType& t, const Record& r) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& f : t.fields) {
        auto& vals = out[f.name];
        if (!r.data.contains(f.name)) continue;
        const Json& v = r.data.at(f.name);
        if (v.is_array()) {
            for (const auto& item : v) vals.push_back(ValueToText(item));
        } else {
            vals.push_back(ValueToText(v));
        }
    }
    out["id"] = {r.id};
    out["state"] = {r.state};
    out["title"] = {r.title};
    out["archived"] = {r.archived ? "true" : "false"};
    out["next_review"] = r.next_review ? std::vector<std::string>{*r.next_review} : std::vector<std::string>{};
    return out;
}

catalog::query::Vocabulary RecordService::QueryVocabulary(const RecordType& t) {
    std::vector<catalog::query::FieldSpec> specs;
    specs.push_back({"id", "the record's id", {}, true, false});
    specs.push_back({"state", "workflow state", t.StateNames(), false, false});
    specs.push_back({"title", "the record's name", {}, true, false});
    specs.push_back({"archived", "archived or not", {"true", "false"}, false, false});
    specs.push_back({"next_review", "next review date (YYYY-MM-DD)", {}, true, false});
    for (const auto& f : t.fields) {
        catalog::query::FieldSpec spec{f.name, f.label, {}, true, f.IsList()};
        if (f.item_type == FieldType::kEnum) {
            spec.values = f.values;
            spec.free_text = false;
        } else if (f.item_type == FieldType::kBoolean) {
            spec.values = {"true", "false"};
            spec.free_text = false;
        }
        specs.push_back(std::move(spec));
    }
    return catalog::query::Vocabulary(std::move(specs));
}

Page RecordService::List(const Context& ctx, std::string_view type, const ListQuery& q) {
    RequirePermission(ctx, Permission::kRead);
    const RecordType& t = types_.Get(type);
    if (q.limit < 1 || q.limit > 1000)
        throw Error::InvalidInput(fmt::format("limit must be between 1 and 1000 (is {})", q.limit), {{"limit", "1..1000"}});
    int64_t after = 0;
    if (!q.cursor.empty()) {
        try {
            size_t pos = 0;
            after = std::stoll(q.cursor, &pos);
            if (pos != q.cursor.size() || after < 0) throw std::invalid_argument("cursor");
        } catch (const std::exception&) {
            throw Error::InvalidInput("malformed cursor: pass the next_cursor of the previous page",
                                      {{"cursor", "malformed"}});
        }
    }
    if (!q.state.empty() && !t.FindState(q.state))
        throw Error::InvalidInput(fmt::format("'{}' is not a state of {}", q.state, t.name),
                                  {{"state", "unknown state", t.StateNames()}});
    for (const auto& [field, value] : q.equals)
        if (!t.Field(field))
            throw Error::InvalidInput(fmt::format("cannot filter on '{}': not a field of {}", field, t.name),
                                      {{field, "unknown field", t.FieldNames()}});
    catalog::query::Expr where = catalog::query::Compile(q.where, QueryVocabulary(t));
    const std::string& needle = q.q;
    const bool filtered = !q.equals.empty() || !needle.empty() || where.kind != catalog::query::Expr::Kind::kAll;
    // Rows are read in order of seq, a chunk at a time: a page without filters is one query of limit + 1 rows;
    // with filters, chunks are matched in memory until the page is full, so that a page never reads more of the
    // type than it has to (the whole type only when too few records match).
    const int64_t chunk = filtered ? std::max<int64_t>(256, 4 * static_cast<int64_t>(q.limit)) : q.limit + 1;
    return store_.Read([&](store::Db& db) {
        std::string sql = fmt::format("SELECT {}, seq FROM records WHERE org_id = ? AND type = ? AND seq > ?", kColumns);
        if (!q.include_archived) sql += " AND archived = 0";
        if (!q.state.empty()) sql += " AND state = ?";
        sql += " ORDER BY seq LIMIT ?";
        Page page;
        int64_t last_seq = 0;
        for (int64_t from = after;;) {
            store::Params params = {V(ctx.org_id), V(t.name), V(from)};
            if (!q.state.empty()) params.push_back(V(q.state));
            params.push_back(V(chunk));
            const auto rows = db.Query(sql, params);
            for (const auto& row : rows) {
                from = row.Int(15);
                Record r = FromRow(row);
                if (filtered) {
                    auto values = FieldValues(t, r);
                    bool ok = true;
                    for (const auto& [field, value] : q.equals) {
                        const auto& vals = values[field];
                        ok = ok && std::any_of(vals.begin(), vals.end(), [&](const std::string& v) {
                                 return catalog::query::EqualsIgnoreCase(v, value);
                             });
                    }
                    if (ok && !needle.empty()) {
                        ok = false;
                        for (const auto& [field, vals] : values)
                            for (const auto& v : vals)
                                if (catalog::query::ContainsIgnoreCase(v, needle)) ok = true;
                    }
                    if (ok && where.kind != catalog::query::Expr::Kind::kAll) {
                        catalog::query::Item item(values.begin(), values.end());
                        ok = catalog::query::Matches(where, item);
                    }
                    if (!ok) continue;
                }
                if (static_cast<int>(page.items.size()) == q.limit) {
                    // The cursor is the position of the last record returned: the next page starts after it.
                    page.next_cursor = std::to_string(last_seq);
                    return page;
                }
                last_seq = from;
                page.items.push_back(std::move(r));
            }
            if (static_cast<int64_t>(rows.size()) < chunk) return page;
        }
    });
}

Record RecordService::Update(const Context& ctx, std::string_view type, std::string_view id, const Json& patch,
                             std::optional<int64_t> if_version) {
    const RecordType& t = types_.Get(type);
    RequirePermission(ctx, t.write_permission);
    return store_.Write(ctx, [&](store::WriteTx& tx) { return UpdateIn(tx, t.name, id, patch, "update", if_version); });
}

Record RecordService::UpdateIn(store::WriteTx& tx, std::string_view type, std::string_view id, const Json& patch,
                               std::string_view op, std::optional<int64_t> if_version) {
    const RecordType& t = types_.Get(type);
    const Context& ctx = tx.ctx();
    if (!patch.is_object())
        throw Error::InvalidInput(fmt::format("the changes to a {} must be an object of fields", t.name));
    Record before = LoadOrThrow(tx, t, ctx.org_id, id);
    CheckVersion(before, if_version);
    RequireNotArchived(before, "edit");
    Json data = before.data;
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        if (it.value().is_null()) {
            data.erase(it.key());
        } else {
            data[it.key()] = it.value();
        }
    }
    std::vector<ErrorDetail> problems;
    bool conflict = Prepare(tx, t, ctx.org_id, before.id, data, problems);
    if (!problems.empty()) ThrowProblems(fmt::format("{} {} cannot be saved", t.name, before.id), problems, conflict);
    if (data == before.data) return before;
    Record rec = before;
    rec.data = std::move(data);
    Persist(tx, t, rec, &before, ReviseIfLocked(tx, t, before, rec) ? "revise" : op);
    return rec;
}

Record RecordService::Transition(const Context& ctx, std::string_view type, std::string_view id,
                                 std::string_view name, std::optional<int64_t> if_version) {
    RequirePermission(ctx, Permission::kRead);
    const RecordType& t = types_.Get(type);
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        Record before = LoadOrThrow(tx, t, ctx.org_id, id);
        CheckVersion(before, if_version);
        RequireNotArchived(before, "move");
        std::vector<std::string> possible;
        const struct Transition* chosen = nullptr;
        for (const auto& tr : t.workflow.transitions) {
            if (std::find(tr.from.begin(), tr.from.end(), before.state) == tr.from.end()) continue;
            possible.push_back(tr.name);
            if (!chosen && (tr.name == name || tr.to == name)) chosen = &tr;
        }
        if (!chosen) {
            std::string allowed;
            for (const auto& p : possible) allowed += (allowed.empty() ? "" : ", ") + p;
            bool known = t.FindTransition(name) || t.FindState(name);
            throw Error::InvalidInput(
                fmt::format("{} {} is '{}': {} from there{}", t.name, before.id, before.state,
                            known ? fmt::format("'{}' is not possible", name)
                                  : fmt::format("'{}' is not a transition of {}", name, t.name),
                            possible.empty() ? " (no transition leaves this state)"
                                             : fmt::format(" (allowed: {})", allowed)),
                {{"transition", fmt::format("not allowed from '{}'", before.state), possible}});
        }
        if (std::string why = TransitionActorRefusal(tx, ctx, t, before.id, before.data, *chosen, account_role_); !why.empty())
            throw Error::Forbidden(why);
        Record rec = before;
        ApplyTransition(ctx, t, rec, *chosen);
        if (t.IsLocked(rec.state)) SaveRevision(tx, rec);
        Persist(tx, t, rec, &before, "transition", Json{{"transition", chosen->name}});
        return rec;
    });
}

Record RecordService::SetArchived(const Context& ctx, std::string_view type, std::string_view id, bool archived,
                                  std::optional<int64_t> if_version) {
    const RecordType& t = types_.Get(type);
    RequirePermission(ctx, t.write_permission);
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        Record before = LoadOrThrow(tx, t, ctx.org_id, id);
        CheckVersion(before, if_version);
        if (before.archived == archived) return before;
        Record rec = before;
        rec.archived = archived;
        Persist(tx, t, rec, &before, archived ? "archive" : "unarchive");
        return rec;
    });
}

namespace {
std::vector<Linker> LinkersIn(store::Db& db, const TypeRegistry& types, const std::string& org, std::string_view type,
                              std::string_view id) {
    std::vector<Linker> out;
    for (const auto& row :
         db.Query("SELECT from_type, from_id, field FROM record_links WHERE org_id = ? AND to_type = ? AND to_id = ? "
                  "AND NOT (from_type = ? AND from_id = ?) ORDER BY from_type, from_id, field",
                  {V(org), V(type), V(id), V(type), V(id)})) {
        Linker l{row.Str(0), row.Str(1), row.Str(2), "", false};
        if (types.Find(l.type)) {
            if (auto r = Load(db, org, l.type, l.id)) {
                l.title = r->title;
                l.archived = r->archived;
            }
        }
        out.push_back(std::move(l));
    }
    return out;
}
}  // namespace

std::vector<Linker> RecordService::Linkers(const Context& ctx, std::string_view type, std::string_view id) {
    RequirePermission(ctx, Permission::kRead);
    const RecordType& t = types_.Get(type);
    return store_.Read([&](store::Db& db) {
        LoadOrThrow(db, t, ctx.org_id, id);
        return LinkersIn(db, types_, ctx.org_id, t.name, id);
    });
}

void RecordService::Delete(const Context& ctx, std::string_view type, std::string_view id,
                           std::optional<int64_t> if_version) {
    const RecordType& t = types_.Get(type);
    RequirePermission(ctx, t.write_permission);
    store_.Write(ctx, [&](store::WriteTx& tx) {
        Record before = LoadOrThrow(tx, t, ctx.org_id, id);
        CheckVersion(before, if_version);
        auto linkers = LinkersIn(tx, types_, ctx.org_id, t.name, before.id);
        if (!linkers.empty()) {
            std::vector<ErrorDetail> details;
            std::string names;
            for (const auto& l : linkers) {
                std::string who = fmt::format("{} {}", l.type, l.id);
                details.push_back({l.field, fmt::format("{} links here through '{}'{}", who, l.field,
                                                        l.archived ? " (archived)" : "")});
                if (details.size() <= 5) names += (names.empty() ? "" : ", ") + who;
            }
            if (linkers.size() > 5) names += fmt::format(" and {} more", linkers.size() - 5);
            throw Error::Conflict(fmt::format("{} {} cannot be deleted while others link to it ({}); archive it "
                                              "instead",
                                              t.name, before.id, names),
                                  std::move(details));
        }
        store::Params key = {V(ctx.org_id), V(t.name), V(before.id)};
        tx.Exec("DELETE FROM records WHERE org_id = ? AND type = ? AND id = ?", key);
        tx.Exec("DELETE FROM record_links WHERE org_id = ? AND from_type = ? AND from_id = ?", key);
        tx.Exec("DELETE FROM record_keys WHERE org_id = ? AND type = ? AND id = ?", key);
        tx.Exec("DELETE FROM record_revisions WHERE org_id = ? AND type = ? AND id = ?", key);
        tx.Exec("DELETE FROM acknowledgements WHERE org_id = ? AND type = ? AND id = ?", key);
        tx.Log(ctx.org_id, Entity(t.name), before.id, "delete", ToJson(before), nullptr);
    });
}

std::vector<Revision> RecordService::Revisions(const Context& ctx, std::string_view type, std::string_view id) {
    RequirePermission(ctx, Permission::kRead);
    const RecordType& t = types_.Get(type);
    return store_.Read([&](store::Db& db) {
        LoadOrThrow(db, t, ctx.org_id, id);
        std::vector<Revision> out;
        for (const auto& r : db.Query("SELECT revision, state, data_json, approved_by, approved_at, updated_at FROM "
                                      "record_revisions WHERE org_id = ? AND type = ? AND id = ? ORDER BY revision",
                                      {V(ctx.org_id), V(t.name), V(id)}))
            out.push_back({r.Int(0), r.Str(1), r.JsonAt(2), r.Str(3), r.Str(4), r.Str(5), false});
        if (!out.empty()) out.back().current = true;
        return out;
    });
}

Revision RecordService::GetRevision(const Context& ctx, std::string_view type, std::string_view id,
                                    int64_t revision) {
    for (auto& r : Revisions(ctx, type, id))
        if (r.revision == revision) return r;
    throw Error::NotFound(fmt::format("{} {} has no released revision {}", type, id, revision));
}

std::optional<Record> FindRecord(store::Db& db, std::string_view org_id, std::string_view type, std::string_view id) {
    return Load(db, org_id, type, id);
}

std::vector<Record> RecordsOf(store::Db& db, std::string_view org_id, std::string_view type, bool include_archived) {
    std::vector<Record> out;
    for (const auto& row : db.Query(fmt::format("SELECT {} FROM records WHERE org_id = ? AND type = ?{} ORDER BY seq",
                                                kColumns, include_archived ? "" : " AND archived = 0"),
                                    {V(org_id), V(type)}))
        out.push_back(FromRow(row));
    return out;
}

namespace {
Record RecordFromLog(const Json& j) {
    auto opt = [&](const char* k) -> std::optional<std::string> {
        if (!j.contains(k) || !j[k].is_string()) return std::nullopt;
        return j[k].get<std::string>();
    };
    Record r;
    r.type = j.value("type", "");
    r.id = j.value("id", "");
    r.version = j.value("version", int64_t{0});
    r.revision = j.value("revision", int64_t{1});
    r.state = j.value("state", "");
    r.title = j.value("title", "");
    if (j.contains("data") && j["data"].is_object()) r.data = j["data"];
    r.archived = j.value("archived", false);
    r.next_review = opt("next_review");
    r.approved_by = opt("approved_by");
    r.approved_at = opt("approved_at");
    r.created_at = j.value("created_at", "");
    r.created_by = j.value("created_by", "");
    r.updated_at = j.value("updated_at", "");
    r.updated_by = j.value("updated_by", "");
    return r;
}
}  // namespace

std::vector<Record> RecordsAsOf(store::Db& db, std::string_view org_id, std::string_view type, std::string_view at,
                                bool include_archived) {
    // The change log holds every record's full image after each change: the last image at or before `at` is
    // the record as it stood then (none when its last entry is a deletion).
    std::map<std::string, std::optional<Record>> last;
    std::vector<std::string> order;
    for (const auto& row : db.Query("SELECT entity_id, op, after_json FROM change_log WHERE org_id = ? AND entity = ? "
                                    "AND at <= ? ORDER BY seq",
                                    {V(org_id), V(Entity(type)), V(at)})) {
        std::string id = row.Str(0);
        auto [it, inserted] = last.try_emplace(id);
        if (inserted) order.push_back(id);
        Json after = row.JsonAt(2);
        if (row.Str(1) == "delete" || !after.is_object()) {
            it->second.reset();
        } else {
            it->second = RecordFromLog(after);
        }
    }
    std::vector<Record> out;
    for (const auto& id : order) {
        const auto& r = last[id];
        if (r && (include_archived || !r->archived)) out.push_back(*r);
    }
    return out;
}

bool RecordExists(store::Db& db, std::string_view org_id, std::string_view type, std::string_view id) {
    return db.QueryOne("SELECT 1 FROM records WHERE org_id = ? AND type = ? AND id = ?", {V(org_id), V(type), V(id)})
        .has_value();
}

void RequireRecord(store::Db& db, std::string_view org_id, std::string_view type, std::string_view id,
                   std::string_view field) {
    if (!RecordExists(db, org_id, type, id))
        throw Error::InvalidInput(fmt::format("{}: no {} '{}' in this organisation", field, type, id),
                                  {{std::string(field), fmt::format("no {} '{}'", type, id)}});
}

void SetExternalLinks(store::WriteTx& tx, std::string_view org_id, std::string_view from_type,
                      std::string_view from_id, std::string_view field, const std::vector<LinkTarget>& targets) {
    for (const auto& target : targets) RequireRecord(tx, org_id, target.type, target.id, field);
    tx.Exec("DELETE FROM record_links WHERE org_id = ? AND from_type = ? AND from_id = ? AND field = ?",
            {V(org_id), V(from_type), V(from_id), V(field)});
    for (const auto& target : targets)
        tx.Exec("INSERT INTO record_links (org_id, from_type, from_id, field, to_type, to_id) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                {V(org_id), V(from_type), V(from_id), V(field), V(target.type), V(target.id)});
}

}  // namespace isms::records
