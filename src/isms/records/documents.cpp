// Documented information (27001 7.5): attachments stored by SHA-256 and acknowledgements of the current
// revision by persons (7.3 awareness, 5.2 communication of the policy).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "isms/core/crypto.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/records/attachments.hpp"
#include "isms/records/engine.hpp"
#include "isms/records/values.hpp"

namespace isms::records {

using store::V;
using namespace engine;

namespace {

bool InStates(const std::vector<std::string>& states, const std::string& s) {
    return states.empty() || std::find(states.begin(), states.end(), s) != states.end();
}

// The revision persons acknowledge: the record's own when its state allows acknowledgement, else the newest
// released revision in such a state (a new draft does not withdraw the published one). 0 when none.
int64_t AcknowledgeableRevision(store::Db& db, const RecordType& t, const std::string& org, const Record& r) {
    const auto& states = t.acknowledgements.states;
    if (InStates(states, r.state)) return r.revision;
    for (const auto& row : db.Query("SELECT revision, state FROM record_revisions WHERE org_id = ? AND type = ? AND "
                                    "id = ? ORDER BY revision DESC",
                                    {V(org), V(t.name), V(r.id)}))
        if (InStates(states, row.Str(1))) return row.Int(0);
    return 0;
}

bool PersonActive(const Record& p) {
    return !p.archived && !(p.data.contains("active") && p.data["active"].is_boolean() && !p.data["active"].get<bool>());
}

}  // namespace

Record RecordService::Attach(const Context& ctx, std::string_view type, std::string_view id, std::string_view filename,
                             std::string_view bytes, std::string field, std::optional<int64_t> if_version) {
    const RecordType& t = types_.Get(type);
    RequirePermission(ctx, t.write_permission);
    const FieldDef* f = nullptr;
    if (field.empty()) {
        for (const auto& fd : t.fields)
            if (fd.item_type == FieldType::kAttachment) {
                f = &fd;
                break;
            }
        if (!f) throw Error::InvalidInput(fmt::format("a {} has no attachment field", t.name));
    } else {
        f = t.Field(field);
        if (!f || f->item_type != FieldType::kAttachment) {
            std::vector<std::string> allowed;
            for (const auto& fd : t.fields)
                if (fd.item_type == FieldType::kAttachment) allowed.push_back(fd.name);
            throw Error::InvalidInput(fmt::format("'{}' is not an attachment field of {}", field, t.name),
                                      {{"field", "not an attachment field", allowed}});
        }
    }
    if (bytes.empty()) throw Error::InvalidInput("the attachment is empty");
    if (bytes.size() > kMaxAttachmentBytes)
        throw Error(ErrorCode::kTooLarge,
                    fmt::format("the attachment has {} bytes; the limit is {} bytes", bytes.size(), kMaxAttachmentBytes));
    Attachment a;
    a.sha256 = crypto::Sha256Hex(bytes);
    a.filename = SafeFilename(filename);
    a.content_type = SniffContentType(bytes, a.filename);
    a.size = static_cast<int64_t>(bytes.size());
    a.created_at = time::NowUtc();
    a.created_by = ctx.actor;
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        Record before = LoadOrThrow(tx, t, ctx.org_id, id);
        CheckVersion(before, if_version);
        RequireNotArchived(before, "edit");
        if (!tx.QueryOne("SELECT 1 FROM attachments WHERE org_id = ? AND sha256 = ?", {V(ctx.org_id), V(a.sha256)})) {
            tx.Exec("INSERT INTO attachments (org_id, sha256, size, content_type, filename, data_b64, created_at, "
                    "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    {V(ctx.org_id), V(a.sha256), V(a.size), V(a.content_type), V(a.filename), V(Base64Encode(bytes)),
                     V(a.created_at), V(a.created_by)});
            tx.Log(ctx.org_id, "attachment", a.sha256, "create", nullptr, ToJson(a));
        }
        Json data = before.data;
        if (f->IsList()) {
            Json list = data.contains(f->name) ? data[f->name] : Json::array();
            if (std::find(list.begin(), list.end(), Json(a.sha256)) == list.end()) list.push_back(a.sha256);
            data[f->name] = list;
        } else {
            data[f->name] = a.sha256;
        }
        if (data == before.data) return before;
        std::vector<ErrorDetail> problems;
        bool conflict = Prepare(tx, t, ctx.org_id, before.id, data, problems);
        if (!problems.empty()) ThrowProblems(fmt::format("{} {} cannot be saved", t.name, before.id), problems, conflict);
        Record rec = before;
        rec.data = std::move(data);
        Persist(tx, t, rec, &before, ReviseIfLocked(tx, t, before, rec) ? "revise" : "attach",
                Json{{"attachment", ToJson(a)}});
        return rec;
    });
}

std::vector<Attachment> RecordService::Attachments(const Context& ctx, std::string_view type, std::string_view id) {
    RequirePermission(ctx, Permission::kRead);
    const RecordType& t = types_.Get(type);
    return store_.Read([&](store::Db& db) {
        LoadOrThrow(db, t, ctx.org_id, id);
        std::vector<Attachment> out;
        for (const auto& r : db.Query("SELECT a.sha256, a.filename, a.content_type, a.size, a.created_at, a.created_by "
                                      "FROM record_links l JOIN attachments a ON a.org_id = l.org_id AND a.sha256 = "
                                      "l.to_id WHERE l.org_id = ? AND l.from_type = ? AND l.from_id = ? AND l.to_type = "
                                      "? ORDER BY a.created_at, a.sha256",
                                      {V(ctx.org_id), V(t.name), V(id), V(kAttachmentTarget)}))
            out.push_back({r.Str(0), r.Str(1), r.Str(2), r.Int(3), r.Str(4), r.Str(5), ""});
        return out;
    });
}

Attachment RecordService::GetAttachment(const Context& ctx, std::string_view type, std::string_view id,
                                        std::string_view sha256) {
    RequirePermission(ctx, Permission::kRead);
    const RecordType& t = types_.Get(type);
    return store_.Read([&](store::Db& db) {
        LoadOrThrow(db, t, ctx.org_id, id);
        // Reachable through a record that refers to it now or through one of its released revisions.
        bool referenced = db.QueryOne("SELECT 1 FROM record_links WHERE org_id = ? AND from_type = ? AND from_id = ? "
                                      "AND to_type = ? AND to_id = ?",
                                      {V(ctx.org_id), V(t.name), V(id), V(kAttachmentTarget), V(sha256)})
                              .has_value();
        if (!referenced)
            for (const auto& r : db.Query("SELECT data_json FROM record_revisions WHERE org_id = ? AND type = ? AND "
                                          "id = ?",
                                          {V(ctx.org_id), V(t.name), V(id)}))
                if (r.Str(0).find(std::string(sha256)) != std::string::npos) referenced = true;
        auto row = db.QueryOne("SELECT sha256, filename, content_type, size, created_at, created_by, data_b64 FROM "
                               "attachments WHERE org_id = ? AND sha256 = ?",
                               {V(ctx.org_id), V(sha256)});
        if (!referenced || !row)
            throw Error::NotFound(fmt::format("{} {} has no attachment {}", t.name, id, sha256));
        return Attachment{row->Str(0), row->Str(1), row->Str(2), row->Int(3),
                          row->Str(4), row->Str(5), Base64Decode(row->Str(6))};
    });
}

Record RecordService::Acknowledge(const Context& ctx, std::string_view type, std::string_view id,
                                  std::string_view person_id) {
    RequirePermission(ctx, Permission::kRead);
    const RecordType& t = types_.Get(type);
    if (!t.acknowledgements.enabled)
        throw Error::InvalidInput(fmt::format("{} records are not acknowledged by persons", t.name));
    const RecordType* person_type = types_.Find("person");
    if (!person_type) throw Error::InvalidInput("acknowledgements need the record type 'person'");
    return store_.Write(ctx, [&](store::WriteTx& tx) {
        Record rec = LoadOrThrow(tx, t, ctx.org_id, id);
        RequireNotArchived(rec, "acknowledge");
        auto person = Load(tx, ctx.org_id, "person", person_id);
        if (!person)
            throw Error::InvalidInput(fmt::format("no person '{}' in this organisation", person_id),
                                      {{"person", "unknown person"}});
        if (!PersonActive(*person))
            throw Error::InvalidInput(fmt::format("person {} is not active", person->id), {{"person", "inactive"}});
        bool self = person->data.contains("username") && ctx.actor == "user:" + ValueToText(person->data["username"]);
        if (!self) RequirePermission(ctx, Permission::kRecordsWrite);
        int64_t revision = AcknowledgeableRevision(tx, t, ctx.org_id, rec);
        if (!revision) {
            std::string states;
            for (const auto& s : t.acknowledgements.states) states += (states.empty() ? "" : ", ") + s;
            throw Error::InvalidInput(fmt::format("{} {} has no revision that can be acknowledged yet (states: {})",
                                                  t.name, rec.id, states),
                                      {{"state", "not acknowledgeable", t.acknowledgements.states}});
        }
        if (tx.QueryOne("SELECT 1 FROM acknowledgements WHERE org_id = ? AND type = ? AND id = ? AND revision = ? AND "
                        "person_id = ?",
                        {V(ctx.org_id), V(t.name), V(rec.id), V(revision), V(person->id)}))
            return rec;
        std::string now = time::NowUtc();
        tx.Exec("INSERT INTO acknowledgements (org_id, type, id, revision, person_id, acknowledged_at, actor) VALUES "
                "(?, ?, ?, ?, ?, ?, ?)",
                {V(ctx.org_id), V(t.name), V(rec.id), V(revision), V(person->id), V(now), V(ctx.actor)});
        Json image = ToJson(rec);
        Json after = image;
        after["event"] = {{t.acknowledgements.label, {{"person", person->id}, {"revision", revision}}}};
        tx.Log(ctx.org_id, Entity(t.name), rec.id, "acknowledge", image, after);
        return rec;
    });
}

Json ToJson(const AcknowledgementStatus& s) {
    auto list = [](const std::vector<AcknowledgementStatus::Entry>& v) {
        Json a = Json::array();
        for (const auto& e : v) {
            Json j = {{"person", e.person_id}, {"name", e.name}};
            if (!e.at.empty()) {
                j["at"] = e.at;
                j["actor"] = e.actor;
            }
            a.push_back(j);
        }
        return a;
    };
    return {{"revision", s.revision},
            {"label", s.label},
            {"acknowledged", list(s.acknowledged)},
            {"pending", list(s.pending)}};
}

AcknowledgementStatus RecordService::Acknowledgements(const Context& ctx, std::string_view type, std::string_view id) {
    RequirePermission(ctx, Permission::kRead);
    const RecordType& t = types_.Get(type);
    if (!t.acknowledgements.enabled)
        throw Error::InvalidInput(fmt::format("{} records are not acknowledged by persons", t.name));
    return store_.Read([&](store::Db& db) {
        Record rec = LoadOrThrow(db, t, ctx.org_id, id);
        AcknowledgementStatus s;
        s.label = t.acknowledgements.label;
        s.revision = AcknowledgeableRevision(db, t, ctx.org_id, rec);
        // The audience: the persons (or holders of the roles) the record names, else every active person.
        std::set<std::string> audience;
        bool named = false;
        const std::string& af = t.acknowledgements.audience_field;
        if (!af.empty() && rec.data.contains(af)) {
            const FieldDef* f = t.Field(af);
            Json vals = rec.data[af].is_array() ? rec.data[af] : Json::array({rec.data[af]});
            named = !vals.empty();
            for (const auto& v : vals) {
                if (f->item_type == FieldType::kPerson) {
                    audience.insert(v.get<std::string>());
                } else {
                    for (const auto& r : db.Query("SELECT from_id FROM record_links WHERE org_id = ? AND from_type = "
                                                  "'person' AND to_type = 'role' AND to_id = ?",
                                                  {V(ctx.org_id), V(v.get<std::string>())}))
                        audience.insert(r.Str(0));
                }
            }
        }
        std::map<std::string, std::string> names;
        std::vector<std::string> order;
        for (const auto& row : db.Query("SELECT id, title, archived, data_json FROM records WHERE org_id = ? AND type = "
                                        "'person' ORDER BY seq",
                                        {V(ctx.org_id)})) {
            Record p;
            p.id = row.Str(0);
            p.archived = row.Int(2) != 0;
            p.data = row.JsonAt(3);
            names[p.id] = row.Str(1);
            if (!PersonActive(p)) continue;
            if (named && !audience.count(p.id)) continue;
            order.push_back(p.id);
        }
        std::set<std::string> done;
        if (s.revision) {
            for (const auto& r : db.Query("SELECT person_id, acknowledged_at, actor FROM acknowledgements WHERE org_id = "
                                          "? AND type = ? AND id = ? AND revision = ? ORDER BY acknowledged_at",
                                          {V(ctx.org_id), V(t.name), V(rec.id), V(s.revision)})) {
                done.insert(r.Str(0));
                s.acknowledged.push_back({r.Str(0), names.count(r.Str(0)) ? names[r.Str(0)] : "", r.Str(1), r.Str(2)});
            }
        }
        for (const auto& pid : order)
            if (!done.count(pid)) s.pending.push_back({pid, names[pid], "", ""});
        return s;
    });
}

}  // namespace isms::records
