#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/records/service.hpp"
#include "isms/store/change_log.hpp"
#include "isms/store/test_support.hpp"

namespace isms::records {
namespace {

using store::V;

const std::string kTestSchemas = std::string(ISMS_SOURCE_DIR) + "/tests/data/records/schemas";

class RecordServiceTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        db_ = store::testing_support::TempDatabase::Create(GetParam());
        if (!db_) GTEST_SKIP() << "backend not available: " << GetParam();
        store_ = store::Store::Open(db_->url(), {.create = true, .pool_size = 2});
        store_->Migrate();
        registry_ = std::make_unique<TypeRegistry>(TypeRegistry::Builtin({kTestSchemas}));
        svc_ = std::make_unique<RecordService>(*store_, *registry_);
        ctx_ = MakeOrg("o1", "acme");
        // Two catalog controls, as the catalog module would load them.
        store_->Write(Context::System(), [](store::WriteTx& tx) {
            for (const char* id : {"5.19", "5.20"})
                tx.Exec("INSERT INTO controls (org_id, framework_id, id, position, title, attributes_json) VALUES ('', "
                        "'iso27002-2022', ?, 1, 'x', '{}')",
                        {V(id)});
        });
    }

    Context MakeOrg(const std::string& id, const std::string& slug) {
        store_->Write(Context::System(), [&](store::WriteTx& tx) {
            tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES (?, ?, ?, 'now')",
                    {V(id), V(slug), V(slug)});
        });
        Context c;
        c.org_id = id;
        c.actor = "user:tester";
        c.role = Role::kIsmsManager;
        return c;
    }

    Record Person(const std::string& name, const std::string& email, Json extra = Json::object()) {
        extra["name"] = name;
        extra["email"] = email;
        return svc_->Create(ctx_, "person", extra);
    }

    Record Document(const std::string& ident, const std::string& owner) {
        return svc_->Create(ctx_, "document",
                            {{"identifier", ident}, {"title", "Policy " + ident}, {"kind", "policy"}, {"owner", owner},
                             {"approver", owner}, {"content", "Version one"}});
    }

    static Error Catch(const std::function<void()>& f) {
        try {
            f();
        } catch (const Error& e) {
            return e;
        }
        ADD_FAILURE() << "expected an isms::Error";
        return Error::Internal("none");
    }

    std::unique_ptr<store::testing_support::TempDatabase> db_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<TypeRegistry> registry_;
    std::unique_ptr<RecordService> svc_;
    Context ctx_;
};

TEST_P(RecordServiceTest, CreateReadUpdateWithDefaultsAndIds) {
    auto anna = Person("Anna Berg", "Anna.Berg@Kvarnberg.se");
    EXPECT_EQ(anna.id, "PER-1");
    EXPECT_EQ(anna.version, 1);
    EXPECT_EQ(anna.state, "recorded");
    EXPECT_EQ(anna.title, "Anna Berg");
    EXPECT_EQ(anna.data["email"], "anna.berg@kvarnberg.se");
    EXPECT_EQ(anna.data["active"], true);           // default
    EXPECT_EQ(anna.data["employment"], "employee");  // default
    auto asset = svc_->Create(ctx_, "asset", {{"name", "Payroll platform"}, {"asset_type", "service"},
                                              {"owner", anna.id}, {"confidentiality", 5}});
    EXPECT_EQ(asset.id, "AST-1");
    EXPECT_EQ(asset.state, "in_use");
    ASSERT_TRUE(asset.next_review);
    EXPECT_EQ(*asset.next_review, time::FormatDate(AddPeriod(*time::ParseDate(time::Today()), *ParsePeriod("P12M"))));

    auto updated = svc_->Update(ctx_, "asset", asset.id, {{"location", "Stockholm"}, {"confidentiality", nullptr}});
    EXPECT_EQ(updated.version, 2);
    EXPECT_EQ(updated.data["location"], "Stockholm");
    EXPECT_FALSE(updated.data.contains("confidentiality"));
    // No change: no new version, no log entry.
    auto same = svc_->Update(ctx_, "asset", asset.id, {{"location", "Stockholm"}});
    EXPECT_EQ(same.version, 2);
    EXPECT_EQ(svc_->Get(ctx_, "asset", asset.id).data["location"], "Stockholm");
    // A given id is kept; a taken one is a conflict.
    auto custom = svc_->Create(ctx_, "asset", {{"name", "HR data"}, {"asset_type", "information"}, {"owner", anna.id}},
                               "AST-HR");
    EXPECT_EQ(custom.id, "AST-HR");
    EXPECT_EQ(Catch([&] { svc_->Create(ctx_, "asset", {{"name", "X"}, {"asset_type", "information"},
                                                        {"owner", anna.id}}, "AST-HR"); }).code(),
              ErrorCode::kConflict);
    EXPECT_EQ(Catch([&] { svc_->Create(ctx_, "asset", {{"name", "X"}}, "bad id!"); }).code(),
              ErrorCode::kInvalidInput);
    EXPECT_TRUE(store::VerifyLog(*store_).ok);
}

TEST_P(RecordServiceTest, ValidationNamesFieldsAndAllowedValues) {
    auto e = Catch([&] {
        svc_->Create(ctx_, "asset", {{"name", "Laptop"}, {"asset_type", "gadget"}, {"confidentiality", "high"},
                                     {"colour", "red"}});
    });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    std::map<std::string, ErrorDetail> by_field;
    for (const auto& d : e.details()) by_field[d.field] = d;
    ASSERT_TRUE(by_field.count("asset_type"));
    EXPECT_NE(std::find(by_field["asset_type"].allowed.begin(), by_field["asset_type"].allowed.end(), "hardware"),
              by_field["asset_type"].allowed.end());
    ASSERT_TRUE(by_field.count("confidentiality"));
    EXPECT_NE(by_field["confidentiality"].message.find("must be a number"), std::string::npos);
    ASSERT_TRUE(by_field.count("colour"));
    EXPECT_NE(by_field["colour"].message.find("unknown field"), std::string::npos);
    ASSERT_TRUE(by_field.count("owner"));
    EXPECT_EQ(by_field["owner"].message, "is required");
    EXPECT_NE(std::string(e.what()).find("asset_type"), std::string::npos);
    // Nothing was stored.
    EXPECT_TRUE(svc_->List(ctx_, "asset", {}).items.empty());
}

TEST_P(RecordServiceTest, LinksMustExistAndMayNameUniqueValues) {
    auto anna = Person("Anna", "anna@k.se");
    auto e = Catch([&] {
        svc_->Create(ctx_, "asset", {{"name", "DB"}, {"asset_type", "software"}, {"owner", "PER-99"}});
    });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("no person 'PER-99'"), std::string::npos) << e.what();
    // By e-mail (a unique field of person): stored as the id.
    auto a = svc_->Create(ctx_, "asset", {{"name", "DB"}, {"asset_type", "software"}, {"owner", "ANNA@k.se"}});
    EXPECT_EQ(a.data["owner"], anna.id);
    // Controls are checked against the catalog.
    auto sup = svc_->Create(ctx_, "supplier", {{"name", "Cloud AB"}, {"services", "Hosting"}, {"criticality", "high"},
                                               {"controls", {"5.19", "A.5.20"}}});
    EXPECT_EQ(sup.data["controls"], Json({"5.19", "5.20"}));
    e = Catch([&] {
        svc_->Create(ctx_, "supplier", {{"name", "Other"}, {"services", "x"}, {"criticality", "low"},
                                        {"controls", {"5.99"}}});
    });
    EXPECT_NE(std::string(e.what()).find("no control '5.99'"), std::string::npos) << e.what();
    // Records of another organisation are not there.
    Context other = MakeOrg("o2", "beta");
    e = Catch([&] {
        svc_->Create(other, "asset", {{"name", "DB"}, {"asset_type", "software"}, {"owner", anna.id}});
    });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    EXPECT_EQ(Catch([&] { svc_->Get(other, "person", anna.id); }).code(), ErrorCode::kNotFound);
    EXPECT_TRUE(svc_->List(other, "person", {}).items.empty());
}

TEST_P(RecordServiceTest, UniqueValuesAreEnforced) {
    Person("Anna", "anna@k.se");
    auto e = Catch([&] { Person("Anna Two", "ANNA@k.se"); });
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    EXPECT_EQ(e.details().at(0).field, "email");
    // The record itself keeps its value on update.
    auto b = Person("Bo", "bo@k.se");
    EXPECT_NO_THROW(svc_->Update(ctx_, "person", b.id, {{"email", "bo@k.se"}, {"job_title", "CTO"}}));
    EXPECT_EQ(Catch([&] { svc_->Update(ctx_, "person", b.id, {{"email", "anna@k.se"}}); }).code(),
              ErrorCode::kConflict);
}

TEST_P(RecordServiceTest, TransitionsFollowTheWorkflowAndPermissions) {
    auto anna = Person("Anna", "anna@k.se");
    auto doc = Document("POL-1", anna.id);
    EXPECT_EQ(doc.state, "draft");
    auto e = Catch([&] { svc_->Transition(ctx_, "document", doc.id, "publish"); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("allowed: submit, retire"), std::string::npos) << e.what();
    EXPECT_EQ(e.details().at(0).allowed, (std::vector<std::string>{"submit", "retire"}));
    EXPECT_NE(std::string(Catch([&] { svc_->Transition(ctx_, "document", doc.id, "fly"); }).what())
                  .find("not a transition"),
              std::string::npos);

    doc = svc_->Transition(ctx_, "document", doc.id, "submit");
    EXPECT_EQ(doc.state, "in_review");
    // A contributor may not approve (records.approve).
    Context contributor = ctx_;
    contributor.role = Role::kContributor;
    EXPECT_EQ(Catch([&] { svc_->Transition(contributor, "document", doc.id, "approve"); }).code(),
              ErrorCode::kForbidden);
    // Target state names work as well as transition names.
    doc = svc_->Transition(ctx_, "document", doc.id, "approved");
    EXPECT_EQ(doc.state, "approved");
    EXPECT_EQ(doc.approved_by, "user:tester");
    EXPECT_TRUE(doc.approved_at);
    EXPECT_EQ(doc.data["approval_date"], time::Today());
    EXPECT_TRUE(doc.next_review);

    // Role-restricted transition of the test type: only isms_manager (and administrators).
    auto g = svc_->Create(ctx_, "test_gadget", {{"label", "g1"}});
    EXPECT_EQ(Catch([&] { svc_->Transition(contributor, "test_gadget", g.id, "scrap"); }).code(),
              ErrorCode::kForbidden);
    // A transition that requires a field.
    e = Catch([&] { svc_->Transition(ctx_, "test_gadget", g.id, "check"); });
    EXPECT_EQ(e.details().at(0).field, "weight");
    EXPECT_EQ(svc_->Transition(ctx_, "test_gadget", g.id, "scrap").state, "scrapped");
}

TEST_P(RecordServiceTest, EditingAPublishedDocumentStartsANewDraftRevision) {
    auto anna = Person("Anna", "anna@k.se");
    auto doc = Document("POL-1", anna.id);
    for (const char* t : {"submit", "approve", "publish"}) doc = svc_->Transition(ctx_, "document", doc.id, t);
    EXPECT_EQ(doc.revision, 1);
    EXPECT_EQ(doc.state, "published");
    auto ack = svc_->Acknowledge(ctx_, "document", doc.id, anna.id);

    auto edited = svc_->Update(ctx_, "document", doc.id, {{"content", "Version two"}});
    EXPECT_EQ(edited.revision, 2);
    EXPECT_EQ(edited.state, "draft");
    EXPECT_FALSE(edited.approved_at);
    EXPECT_FALSE(edited.data.contains("approval_date"));
    EXPECT_EQ(edited.data["content"], "Version two");
    // The published revision is still readable as it was.
    auto revs = svc_->Revisions(ctx_, "document", doc.id);
    ASSERT_EQ(revs.size(), 1u);
    EXPECT_EQ(revs[0].revision, 1);
    EXPECT_EQ(revs[0].state, "published");
    EXPECT_EQ(revs[0].data["content"], "Version one");
    EXPECT_EQ(revs[0].approved_by, "user:tester");
    // Acknowledgements still concern the published revision 1 while revision 2 is a draft.
    auto status = svc_->Acknowledgements(ctx_, "document", doc.id);
    EXPECT_EQ(status.revision, 1);
    ASSERT_EQ(status.acknowledged.size(), 1u);
    // A second edit of the draft does not start yet another revision.
    edited = svc_->Update(ctx_, "document", doc.id, {{"summary", "short"}});
    EXPECT_EQ(edited.revision, 2);
    // Approving and publishing revision 2 makes it current; acknowledgements start afresh.
    for (const char* t : {"submit", "approve", "publish"}) edited = svc_->Transition(ctx_, "document", doc.id, t);
    revs = svc_->Revisions(ctx_, "document", doc.id);
    ASSERT_EQ(revs.size(), 2u);
    EXPECT_TRUE(revs[1].current);
    EXPECT_EQ(revs[1].data["content"], "Version two");
    status = svc_->Acknowledgements(ctx_, "document", doc.id);
    EXPECT_EQ(status.revision, 2);
    EXPECT_TRUE(status.acknowledged.empty());
    ASSERT_EQ(status.pending.size(), 1u);
    EXPECT_EQ(status.pending[0].person_id, anna.id);
}

TEST_P(RecordServiceTest, AcknowledgementAudienceAndRules) {
    auto role = svc_->Create(ctx_, "role", {{"name", "Developer"}, {"responsibilities", "Write secure code"}});
    auto anna = Person("Anna", "anna@k.se", {{"roles", {role.id}}});
    auto bo = Person("Bo", "bo@k.se", {{"username", "bo"}});
    Person("Cia", "cia@k.se", {{"active", false}});
    auto doc = Document("POL-1", anna.id);
    // Not yet published: nothing to acknowledge.
    EXPECT_EQ(Catch([&] { svc_->Acknowledge(ctx_, "document", doc.id, anna.id); }).code(), ErrorCode::kInvalidInput);
    for (const char* t : {"submit", "approve", "publish"}) doc = svc_->Transition(ctx_, "document", doc.id, t);
    auto status = svc_->Acknowledgements(ctx_, "document", doc.id);
    EXPECT_EQ(status.pending.size(), 2u);  // active persons only
    // Staff acknowledge for themselves (viewer role, matching user name), not for others.
    Context bo_ctx = ctx_;
    bo_ctx.role = Role::kViewer;
    bo_ctx.actor = "user:bo";
    svc_->Acknowledge(bo_ctx, "document", doc.id, bo.id);
    EXPECT_EQ(Catch([&] { svc_->Acknowledge(bo_ctx, "document", doc.id, anna.id); }).code(), ErrorCode::kForbidden);
    status = svc_->Acknowledgements(ctx_, "document", doc.id);
    ASSERT_EQ(status.acknowledged.size(), 1u);
    EXPECT_EQ(status.acknowledged[0].person_id, bo.id);
    EXPECT_EQ(status.pending.size(), 1u);
    // Restricting the audience to a role (a new revision; its publication asks the role's holders only).
    svc_->Update(ctx_, "document", doc.id, {{"audience", {role.id}}});
    for (const char* t : {"submit", "approve", "publish"}) doc = svc_->Transition(ctx_, "document", doc.id, t);
    status = svc_->Acknowledgements(ctx_, "document", doc.id);
    ASSERT_EQ(status.pending.size(), 1u);
    EXPECT_EQ(status.pending[0].person_id, anna.id);
    // History shows the acknowledgement.
    auto h = svc_->History(ctx_, "document", doc.id);
    EXPECT_TRUE(std::any_of(h.begin(), h.end(), [](const HistoryEntry& e) { return e.op == "acknowledge"; }));
}

// 27001 7.5.2: the approver a document names approves it. With a login that may approve, only their account
// may; the local operator records it for them; a person without one approves outside isms and anyone with the
// permission records it.
TEST_P(RecordServiceTest, OnlyTheNamedApproverWithALoginApproves) {
    // The organisation's accounts: Bo's (an ISMS manager until the test says otherwise), under the user name
    // "bo" however his person record spells it.
    std::optional<Role> bo_role = Role::kIsmsManager;
    svc_->SetAccountRoleLookup([&](store::Db&, std::string_view, std::string_view u) -> std::optional<MemberAccount> {
        if ((u == "bo" || u == "Bo") && bo_role) return MemberAccount{"bo", *bo_role};
        return std::nullopt;
    });
    auto bo = Person("Bo", "bo@k.se", {{"username", "Bo"}});
    auto cia = Person("Cia", "cia@k.se");
    auto doc = Document("POL-1", bo.id);
    doc = svc_->Transition(ctx_, "document", doc.id, "submit");
    auto e = Catch([&] { svc_->Transition(ctx_, "document", doc.id, "approve"); });
    EXPECT_EQ(e.code(), ErrorCode::kForbidden);
    EXPECT_NE(std::string(e.what()).find(fmt::format("document {} names {} as its approver: only their account 'bo' "
                                                     "may 'approve' it, not 'user:tester'",
                                                     doc.id, bo.id)),
              std::string::npos)
        << e.what();
    EXPECT_EQ(svc_->Get(ctx_, "document", doc.id).state, "in_review");  // nothing changed
    using Accounts = std::map<std::string, std::string>;
    auto accounts = [&](const std::string& id) { return svc_->TransitionAccounts(ctx_, svc_->Get(ctx_, "document", id)); };
    EXPECT_EQ(accounts(doc.id), (Accounts{{"approve", "bo"}}));  // submit, return, publish: anyone may
    // Bo's account (with the permission) approves; the stamp names him.
    Context bo_ctx = ctx_;
    bo_ctx.actor = "user:bo";
    doc = svc_->Transition(bo_ctx, "document", doc.id, "approve");
    EXPECT_EQ(doc.state, "approved");
    EXPECT_EQ(doc.approved_by, std::optional<std::string>("user:bo"));
    // The named approver still needs the permission.
    svc_->Update(ctx_, "document", doc.id, {{"content", "Version two"}});
    svc_->Transition(ctx_, "document", doc.id, "submit");
    Context bo_viewer = bo_ctx;
    bo_viewer.role = Role::kContributor;
    EXPECT_EQ(Catch([&] { svc_->Transition(bo_viewer, "document", doc.id, "approve"); }).code(),
              ErrorCode::kForbidden);
    // The local operator (the CLI on the database file) records an approval given elsewhere.
    Context local = ctx_;
    local.actor = "cli:root";
    local.system = true;
    EXPECT_EQ(svc_->Transition(local, "document", doc.id, "approve").state, "approved");
    // An approver without a login: whoever has the permission records the approval.
    auto other = svc_->Create(ctx_, "document", {{"identifier", "POL-2"}, {"title", "Policy two"}, {"kind", "policy"},
                                                 {"owner", bo.id}, {"approver", cia.id}, {"content", "x"}});
    svc_->Transition(ctx_, "document", other.id, "submit");
    EXPECT_EQ(accounts(other.id), Accounts{});
    EXPECT_EQ(svc_->Transition(ctx_, "document", other.id, "approve").approved_by,
              std::optional<std::string>("user:tester"));
    // An import that would approve for Bo is refused at its row, and writes nothing.
    auto third = svc_->Create(ctx_, "document", {{"identifier", "POL-3"}, {"title", "Policy three"}, {"kind", "policy"},
                                                 {"owner", bo.id}, {"approver", bo.id}, {"content", "x"}});
    e = Catch([&] {
        svc_->Import(ctx_, "document", DataFormat::kCsv, fmt::format("id,state,content\n{},approved,New text\n", third.id));
    });
    EXPECT_EQ(e.code(), ErrorCode::kForbidden) << e.what();  // the file is fine; the account may not
    ASSERT_FALSE(e.details().empty());
    EXPECT_EQ(e.details()[0].field, "state");
    EXPECT_EQ(e.details()[0].line, 2);
    EXPECT_NE(e.details()[0].message.find("only their account 'bo'"), std::string::npos) << e.details()[0].message;
    EXPECT_EQ(svc_->Get(ctx_, "document", third.id).data["content"], "x");
    EXPECT_EQ(svc_->Import(bo_ctx, "document", DataFormat::kCsv, fmt::format("id,state\n{},approved\n", third.id)).updated, 1);
    EXPECT_EQ(svc_->Get(ctx_, "document", third.id).state, "approved");

    // A user name no account has, or an account whose role may not approve: the approval is given outside
    // isms and whoever has the permission records it.
    auto dan = Person("Dan", "dan@k.se", {{"username", "dan"}});
    auto fourth = svc_->Create(ctx_, "document", {{"identifier", "POL-4"}, {"title", "Policy four"}, {"kind", "policy"},
                                                  {"owner", bo.id}, {"approver", dan.id}, {"content", "x"}});
    svc_->Transition(ctx_, "document", fourth.id, "submit");
    EXPECT_EQ(accounts(fourth.id), Accounts{});
    EXPECT_EQ(svc_->Transition(ctx_, "document", fourth.id, "approve").state, "approved");
    svc_->Update(ctx_, "document", third.id, {{"content", "Version two"}});
    svc_->Transition(ctx_, "document", third.id, "submit");
    bo_role = Role::kViewer;
    EXPECT_EQ(accounts(third.id), Accounts{});
    EXPECT_EQ(svc_->Transition(ctx_, "document", third.id, "approve").approved_by,
              std::optional<std::string>("user:tester"));
    svc_->SetAccountRoleLookup(nullptr);
}

TEST_P(RecordServiceTest, DeletingALinkedRecordIsRefusedNamingTheLinkers) {
    auto anna = Person("Anna", "anna@k.se");
    auto a1 = svc_->Create(ctx_, "asset", {{"name", "DB"}, {"asset_type", "software"}, {"owner", anna.id}});
    auto a2 = svc_->Create(ctx_, "asset", {{"name", "App"}, {"asset_type", "software"}, {"owner", anna.id},
                                           {"depends_on", {a1.id}}});
    auto e = Catch([&] { svc_->Delete(ctx_, "person", anna.id); });
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    EXPECT_NE(std::string(e.what()).find("asset AST-1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("archive it instead"), std::string::npos);
    EXPECT_EQ(e.details().size(), 2u);
    auto linkers = svc_->Linkers(ctx_, "asset", a1.id);
    ASSERT_EQ(linkers.size(), 1u);
    EXPECT_EQ(linkers[0].id, a2.id);
    EXPECT_EQ(linkers[0].field, "depends_on");
    // Links held by another module protect the record too.
    store_->Write(ctx_, [&](store::WriteTx& tx) {
        SetExternalLinks(tx, ctx_.org_id, "risk", "RSK-1", "assets", {{"asset", a2.id}});
    });
    EXPECT_NE(std::string(Catch([&] { svc_->Delete(ctx_, "asset", a2.id); }).what()).find("risk RSK-1"),
              std::string::npos);
    EXPECT_THROW(store_->Write(ctx_,
                               [&](store::WriteTx& tx) {
                                   SetExternalLinks(tx, ctx_.org_id, "risk", "RSK-2", "assets", {{"asset", "AST-404"}});
                               }),
                 Error);
    // Archiving is the alternative; archived records leave lists and cannot be edited.
    auto archived = svc_->SetArchived(ctx_, "asset", a2.id, true);
    EXPECT_TRUE(archived.archived);
    EXPECT_EQ(svc_->List(ctx_, "asset", {}).items.size(), 1u);
    ListQuery all;
    all.include_archived = true;
    EXPECT_EQ(svc_->List(ctx_, "asset", all).items.size(), 2u);
    EXPECT_EQ(Catch([&] { svc_->Update(ctx_, "asset", a2.id, {{"location", "x"}}); }).code(), ErrorCode::kConflict);
    // Unlinked, a record can be deleted; its history remains in the change log.
    store_->Write(ctx_, [&](store::WriteTx& tx) { SetExternalLinks(tx, ctx_.org_id, "risk", "RSK-1", "assets", {}); });
    svc_->Delete(ctx_, "asset", a2.id);
    EXPECT_FALSE(svc_->Find(ctx_, "asset", a2.id));
    EXPECT_TRUE(svc_->Linkers(ctx_, "asset", a1.id).empty());
    auto h = svc_->History(ctx_, "asset", a2.id);
    ASSERT_FALSE(h.empty());
    EXPECT_EQ(h.back().op, "delete");
}

TEST_P(RecordServiceTest, StaleVersionIsAPreconditionFailure) {
    auto anna = Person("Anna", "anna@k.se");
    auto v1 = anna.version;
    svc_->Update(ctx_, "person", anna.id, {{"job_title", "CISO"}}, v1);
    auto e = Catch([&] { svc_->Update(ctx_, "person", anna.id, {{"job_title", "CEO"}}, v1); });
    EXPECT_EQ(e.code(), ErrorCode::kPreconditionFailed);
    EXPECT_NE(std::string(e.what()).find("version 2, not 1"), std::string::npos) << e.what();
    EXPECT_EQ(svc_->Get(ctx_, "person", anna.id).data["job_title"], "CISO");
    EXPECT_EQ(Catch([&] { svc_->Delete(ctx_, "person", anna.id, 1); }).code(), ErrorCode::kPreconditionFailed);
    EXPECT_EQ(Catch([&] { svc_->Transition(ctx_, "person", anna.id, "x", 7); }).code(),
              ErrorCode::kPreconditionFailed);
}

TEST_P(RecordServiceTest, ConcurrentWritersWithTheSameVersionOnlyOneWins) {
    auto anna = Person("Anna", "anna@k.se");
    // Two "servers": two stores on the same database.
    auto other_store = store::Store::Open(db_->url(), {.pool_size = 2});
    RecordService other(*other_store, *registry_);
    std::atomic<int> ok{0}, stale{0};
    auto writer = [&](RecordService& s, const char* title) {
        try {
            s.Update(ctx_, "person", anna.id, {{"job_title", title}}, anna.version);
            ++ok;
        } catch (const Error& e) {
            if (e.code() == ErrorCode::kPreconditionFailed) ++stale;
        }
    };
    std::thread a([&] { writer(*svc_, "A"); });
    std::thread b([&] { writer(other, "B"); });
    a.join();
    b.join();
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(stale.load(), 1);
    EXPECT_EQ(svc_->Get(ctx_, "person", anna.id).version, 2);
}

TEST_P(RecordServiceTest, CsvImportIsAllOrNothingAndNamesEveryBadLine) {
    Person("Anna", "anna@k.se");
    std::string csv =
        "name,asset_type,owner,confidentiality,depends_on\n"
        "Payroll,service,anna@k.se,5,\n"          // line 2: good
        "Laptop,gizmo,anna@k.se,3,\n"             // line 3: bad enum
        "Backups,service,anna@k.se,5,AST-9\n"     // line 4: link to an asset that does not exist
        "HR data,information,nobody@k.se,x,\n";   // line 5: bad owner and number
    auto e = Catch([&] { svc_->Import(ctx_, "asset", DataFormat::kCsv, csv); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    std::set<int> lines;
    for (const auto& d : e.details()) lines.insert(d.line);
    EXPECT_EQ(lines, (std::set<int>{3, 4, 5})) << e.what();
    EXPECT_NE(std::string(e.what()).find("nothing was imported"), std::string::npos);
    EXPECT_TRUE(svc_->List(ctx_, "asset", {}).items.empty());

    std::string good =
        "id,name,asset_type,owner,confidentiality,depends_on\n"
        ",Payroll,service,anna@k.se,5,AST-DB\n"  // links to a record of the same file
        "AST-DB,Customer DB,information,anna@k.se,5,\n";
    auto r = svc_->Import(ctx_, "asset", DataFormat::kCsv, good);
    EXPECT_EQ(r.created, 2);
    auto payroll = svc_->Get(ctx_, "asset", r.ids[0]);
    EXPECT_EQ(payroll.data["depends_on"], Json({"AST-DB"}));
    // Unknown columns are reported with the header line.
    e = Catch([&] { svc_->Import(ctx_, "asset", DataFormat::kCsv, "name,colour\nX,red\n"); });
    EXPECT_EQ(e.details().at(0).line, 1);
    // Export, then import the export: nothing changes.
    std::string exported = svc_->Export(ctx_, "asset", DataFormat::kCsv);
    EXPECT_NE(exported.find("AST-DB"), std::string::npos);
    auto again = svc_->Import(ctx_, "asset", DataFormat::kCsv, exported);
    EXPECT_EQ(again.created, 0);
    EXPECT_EQ(svc_->Get(ctx_, "asset", "AST-DB").version, 1);
    // Unique values clash within the file too.
    e = Catch([&] {
        svc_->Import(ctx_, "person", DataFormat::kCsv, "name,email\nX,x@k.se\nY,X@k.se\n");
    });
    EXPECT_EQ(e.details().at(0).line, 3);
}

TEST_P(RecordServiceTest, JsonImportReportsLines) {
    Person("Anna", "anna@k.se");
    std::string json = R"([
  {"name": "A", "asset_type": "service", "owner": "PER-1"},
  {"name": "B",
   "asset_type": "nope", "owner": "PER-1"},
  {"id": "AST-X", "data": {"name": "C", "asset_type": "site", "owner": "PER-1"}}
])";
    auto e = Catch([&] { svc_->Import(ctx_, "asset", DataFormat::kJson, json); });
    ASSERT_EQ(e.details().size(), 1u);
    EXPECT_EQ(e.details()[0].line, 3);
    EXPECT_EQ(e.details()[0].field, "asset_type");
    std::string fixed = json.replace(json.find("nope"), 4, "site");
    auto r = svc_->Import(ctx_, "asset", DataFormat::kJson, fixed);
    EXPECT_EQ(r.created, 3);
    EXPECT_EQ(r.ids[2], "AST-X");
    // The JSON export imports back unchanged.
    auto again = svc_->Import(ctx_, "asset", DataFormat::kJson, svc_->Export(ctx_, "asset", DataFormat::kJson));
    EXPECT_EQ(again.created + again.updated, 0);
}

TEST_P(RecordServiceTest, HistoryIsAFieldLevelDiffFromTheChangeLog) {
    auto anna = Person("Anna", "anna@k.se");
    svc_->Update(ctx_, "person", anna.id, {{"job_title", "CISO"}, {"department", "Security"}});
    svc_->Update(ctx_, "person", anna.id, {{"job_title", "CTO"}, {"department", nullptr}});
    auto h = svc_->History(ctx_, "person", anna.id);
    ASSERT_EQ(h.size(), 3u);
    EXPECT_EQ(h[0].op, "create");
    EXPECT_EQ(h[0].actor, "user:tester");
    EXPECT_EQ(h[2].op, "update");
    EXPECT_EQ(h[2].version, 3);
    ASSERT_EQ(h[2].changes.size(), 2u);
    EXPECT_EQ(h[2].changes[0].field, "department");
    EXPECT_EQ(h[2].changes[0].before, "Security");
    EXPECT_TRUE(h[2].changes[0].after.is_null());
    EXPECT_EQ(h[2].changes[1].field, "job_title");
    EXPECT_EQ(h[2].changes[1].before, "CISO");
    EXPECT_EQ(h[2].changes[1].after, "CTO");
    EXPECT_EQ(Catch([&] { svc_->History(ctx_, "person", "PER-404"); }).code(), ErrorCode::kNotFound);
}

TEST_P(RecordServiceTest, DueListsOverdueAndSoonAcrossTypes) {
    auto anna = Person("Anna", "anna@k.se");
    std::string today = time::Today();
    auto days = [&](int n) { return time::FormatDate(*time::ParseDate(today) + std::chrono::days{n}); };
    // Reviewed 13 months ago with a yearly cycle: overdue.
    svc_->Create(ctx_, "asset", {{"name", "Old"}, {"asset_type", "hardware"}, {"owner", anna.id},
                                 {"last_reviewed", days(-396)}});
    // A supplier with an explicit review date in 10 days (approved: reviews apply).
    auto sup = svc_->Create(ctx_, "supplier", {{"name", "S"}, {"services", "x"}, {"criticality", "low"},
                                               {"review_date", days(10)}});
    svc_->Transition(ctx_, "supplier", sup.id, "assess");
    svc_->Transition(ctx_, "supplier", sup.id, "approve");
    // A fresh asset: due in a year.
    svc_->Create(ctx_, "asset", {{"name", "New"}, {"asset_type", "hardware"}, {"owner", anna.id}});
    auto due = svc_->Due(ctx_, 30);
    ASSERT_EQ(due.size(), 2u);
    EXPECT_EQ(due[0].title, "Old");
    EXPECT_LT(due[0].days_left, 0);
    EXPECT_EQ(due[1].type, "supplier");
    EXPECT_EQ(due[1].days_left, 10);
    EXPECT_EQ(svc_->Due(ctx_, 0).size(), 1u);
    EXPECT_EQ(svc_->Due(ctx_, 400).size(), 3u);
    // A proposed (not yet approved) supplier is not due for review.
    svc_->Create(ctx_, "supplier", {{"name", "T"}, {"services", "x"}, {"criticality", "low"}, {"review_date", today}});
    EXPECT_EQ(svc_->Due(ctx_, 30).size(), 2u);
}

TEST_P(RecordServiceTest, AttachmentsAreStoredBySha256AndSniffed) {
    auto anna = Person("Anna", "anna@k.se");
    auto doc = Document("POL-1", anna.id);
    std::string pdf = "%PDF-1.7\n...binary...";
    auto rec = svc_->Attach(ctx_, "document", doc.id, "../../policy.pdf", pdf);
    ASSERT_EQ(rec.data["attachments"].size(), 1u);
    std::string sha = rec.data["attachments"][0];
    EXPECT_EQ(sha.size(), 64u);
    auto a = svc_->GetAttachment(ctx_, "document", doc.id, sha);
    EXPECT_EQ(a.bytes, pdf);
    EXPECT_EQ(a.content_type, "application/pdf");
    EXPECT_EQ(a.filename, "policy.pdf");
    // HTML is never stored as HTML.
    rec = svc_->Attach(ctx_, "document", doc.id, "evil.html", "<html><script>alert(1)</script></html>");
    auto list = svc_->Attachments(ctx_, "document", doc.id);
    ASSERT_EQ(list.size(), 2u);
    for (const auto& at : list) EXPECT_EQ(at.content_type.find("html"), std::string::npos) << at.content_type;
    // Too large.
    std::string big(RecordService::kMaxAttachmentBytes + 1, 'x');
    EXPECT_EQ(Catch([&] { svc_->Attach(ctx_, "document", doc.id, "big.txt", big); }).code(), ErrorCode::kTooLarge);
    // Another record cannot serve this attachment; unknown hashes are not found.
    auto doc2 = Document("POL-2", anna.id);
    EXPECT_EQ(Catch([&] { svc_->GetAttachment(ctx_, "document", doc2.id, sha); }).code(), ErrorCode::kNotFound);
    // A hash that was never uploaded cannot be set by hand.
    EXPECT_EQ(Catch([&] { svc_->Update(ctx_, "document", doc2.id, {{"attachments", {std::string(64, 'a')}}}); })
                  .code(),
              ErrorCode::kInvalidInput);
}

TEST_P(RecordServiceTest, ListFiltersSearchesAndPages) {
    auto anna = Person("Anna", "anna@k.se");
    for (int i = 1; i <= 5; ++i)
        svc_->Create(ctx_, "asset", {{"name", "Laptop " + std::to_string(i)}, {"asset_type", "hardware"},
                                     {"owner", anna.id}, {"classification", i % 2 ? "internal" : "confidential"}});
    ListQuery q;
    q.limit = 2;
    std::vector<std::string> seen;
    for (int pages = 0;; ++pages) {
        ASSERT_LT(pages, 5);
        auto p = svc_->List(ctx_, "asset", q);
        for (const auto& r : p.items) seen.push_back(r.id);
        if (p.next_cursor.empty()) break;
        q.cursor = p.next_cursor;
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"AST-1", "AST-2", "AST-3", "AST-4", "AST-5"}));
    ListQuery f;
    f.equals["classification"] = "confidential";
    EXPECT_EQ(svc_->List(ctx_, "asset", f).items.size(), 2u);
    ListQuery text;
    text.q = "laptop 3";
    ASSERT_EQ(svc_->List(ctx_, "asset", text).items.size(), 1u);
    // The attribute query language over record fields.
    ListQuery w;
    w.where = "classification = CONFIDENTIAL and name ~ 'laptop 4'";
    auto found = svc_->List(ctx_, "asset", w).items;
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].data["name"], "Laptop 4");
    w.where = "classification in (internal, restricted) and state = in_use and not id = AST-1";
    EXPECT_EQ(svc_->List(ctx_, "asset", w).items.size(), 2u);
    w.where = "classification = secret";
    auto e = Catch([&] { svc_->List(ctx_, "asset", w); });
    EXPECT_NE(std::string(e.what()).find("confidential"), std::string::npos) << e.what();
    w.where = "colour = red";
    EXPECT_EQ(Catch([&] { svc_->List(ctx_, "asset", w); }).code(), ErrorCode::kInvalidInput);
    ListQuery bad;
    bad.equals["colour"] = "x";
    EXPECT_EQ(Catch([&] { svc_->List(ctx_, "asset", bad); }).code(), ErrorCode::kInvalidInput);
    ListQuery bad_state;
    bad_state.state = "lost";
    EXPECT_EQ(Catch([&] { svc_->List(ctx_, "asset", bad_state); }).details().at(0).allowed.size(), 4u);
}

TEST_P(RecordServiceTest, FilteredPagesFindSparseMatchesAcrossManyRecords) {
    // More records than one read of the list takes (pages are read a chunk at a time): every match is found,
    // once, in order, and the last page says there is no more.
    auto anna = Person("Anna", "anna@k.se");
    Json items = Json::array();
    for (int i = 1; i <= 700; ++i)
        items.push_back({{"name", "Server " + std::to_string(i)}, {"asset_type", "hardware"}, {"owner", anna.id},
                         {"classification", i % 97 == 0 ? "restricted" : "internal"}});
    svc_->Import(ctx_, "asset", DataFormat::kJson, items.dump());
    ListQuery q;
    q.limit = 2;
    q.where = "classification = restricted";
    std::vector<std::string> seen;
    for (int pages = 0;; ++pages) {
        ASSERT_LT(pages, 10);
        auto p = svc_->List(ctx_, "asset", q);
        for (const auto& r : p.items) seen.push_back(r.data["name"].get<std::string>());
        if (p.next_cursor.empty()) break;
        q.cursor = p.next_cursor;
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"Server 97", "Server 194", "Server 291", "Server 388", "Server 485",
                                              "Server 582", "Server 679"}));
    // Without a filter, a page is the next `limit` records.
    ListQuery plain;
    plain.limit = 300;
    auto first = svc_->List(ctx_, "asset", plain);
    ASSERT_EQ(first.items.size(), 300u);
    plain.cursor = first.next_cursor;
    auto second = svc_->List(ctx_, "asset", plain);
    ASSERT_EQ(second.items.size(), 300u);
    EXPECT_EQ(second.items.front().data["name"], "Server 301");
    plain.cursor = second.next_cursor;
    auto third = svc_->List(ctx_, "asset", plain);
    EXPECT_EQ(third.items.size(), 100u);
    EXPECT_TRUE(third.next_cursor.empty());
}

TEST_P(RecordServiceTest, ATypeFromATestFolderWorksEndToEnd) {
    // test_gadget exists only as tests/data/records/schemas/test_gadget.yaml.
    auto keeper = Person("Anna", "anna@k.se");
    auto g1 = svc_->Create(ctx_, "test_gadget", {{"label", "Base"}, {"weight", 3}, {"keeper", keeper.id},
                                                 {"control", "5.19"}});
    EXPECT_EQ(g1.id, "GAD-1");
    EXPECT_EQ(g1.data["colour"], "green");
    auto r = svc_->Import(ctx_, "test_gadget", DataFormat::kCsv,
                          "label,weight,parts,tags\nTop,4,GAD-1,a;b\n");
    auto g2 = svc_->Get(ctx_, "test_gadget", r.ids[0]);
    EXPECT_EQ(g2.data["parts"], Json({"GAD-1"}));
    EXPECT_EQ(g2.data["tags"], Json({"a", "b"}));
    g1 = svc_->Transition(ctx_, "test_gadget", g1.id, "check");
    g1 = svc_->Transition(ctx_, "test_gadget", g1.id, "seal");
    auto revised = svc_->Update(ctx_, "test_gadget", g1.id, {{"weight", 5}});
    EXPECT_EQ(revised.revision, 2);
    EXPECT_EQ(revised.state, "new");
    EXPECT_EQ(Catch([&] { svc_->Delete(ctx_, "test_gadget", g1.id); }).code(), ErrorCode::kConflict);
    auto values = RecordService::FieldValues(registry_->Get("test_gadget"), g2);
    EXPECT_EQ(values["tags"], (std::vector<std::string>{"a", "b"}));
}

TEST_P(RecordServiceTest, DomainRulesRunInEveryWriteAndNameTheirField) {
    // A rule of another module: a sealed gadget must weigh at least 10; nothing but "weigh" may set it below 1.
    registry_->AddRule("test_gadget", [](const RuleCall& c, std::vector<ErrorDetail>& problems) {
        double w = c.after.data.value("weight", 0.0);
        if (c.after.state == "sealed" && w < 10) problems.push_back({"weight", "a sealed gadget weighs 10 or more"});
        if (c.op != "weigh" && c.after.data.contains("weight") && w < 1)
            problems.push_back({"weight", fmt::format("op {} may not set it below 1", c.op)});
        if (c.op == "transition") {
            EXPECT_TRUE(c.transition == "check" || c.transition == "seal") << c.transition;
        }
    });
    EXPECT_THROW(registry_->AddRule("no_such_type", nullptr), Error);
    auto g = svc_->Create(ctx_, "test_gadget", {{"label", "Lamp"}, {"weight", 5}});
    svc_->Transition(ctx_, "test_gadget", g.id, "check");
    try {
        svc_->Transition(ctx_, "test_gadget", g.id, "seal");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
        ASSERT_EQ(e.details().size(), 1u);
        EXPECT_EQ(e.details()[0].field, "weight");
        EXPECT_NE(std::string(e.what()).find("cannot 'seal'"), std::string::npos) << e.what();
    }
    EXPECT_EQ(svc_->Get(ctx_, "test_gadget", g.id).state, "checked");  // nothing written
    // Imports run the rules too, with the line.
    try {
        svc_->Import(ctx_, "test_gadget", DataFormat::kCsv, "label,weight\nBulb,0.5\n");
        FAIL();
    } catch (const Error& e) {
        ASSERT_EQ(e.details().size(), 1u);
        EXPECT_EQ(e.details()[0].line, 2);
    }
    // Another module's in-transaction update passes its op to the rule.
    store_->Write(ctx_, [&](store::WriteTx& tx) { svc_->UpdateIn(tx, "test_gadget", g.id, {{"weight", 0.5}}, "weigh"); });
    EXPECT_EQ(svc_->Get(ctx_, "test_gadget", g.id).data["weight"], 0.5);
    EXPECT_THROW(svc_->Update(ctx_, "test_gadget", g.id, {{"weight", 0.25}}), Error);
}

TEST_P(RecordServiceTest, AStateSetOnImportIsReachedByTheWorkflowsTransitionsAndRules) {
    // test_gadget: new --check (requires weight)--> checked --seal (records.approve, approval)--> sealed;
    // scrap (only isms_manager) from anywhere. Another module's rule: a sealed gadget weighs 10 or more.
    registry_->AddRule("test_gadget", [](const RuleCall& c, std::vector<ErrorDetail>& problems) {
        if (c.after.state == "sealed" && c.after.data.value("weight", 0.0) < 10)
            problems.push_back({"weight", "a sealed gadget weighs 10 or more"});
    });
    auto nothing_imported = [&] { EXPECT_TRUE(svc_->List(ctx_, "test_gadget", {}).items.empty()); };
    // A field the way there requires is named with the line, the transition and the target state.
    auto e = Catch([&] {
        svc_->Import(ctx_, "test_gadget", DataFormat::kCsv, "label,weight,state\nLamp,12,sealed\nBulb,,sealed\n");
    });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    ASSERT_EQ(e.details().size(), 1u) << e.what();
    EXPECT_EQ(e.details()[0].line, 3);
    EXPECT_EQ(e.details()[0].field, "weight");
    EXPECT_EQ(e.details()[0].message, "is required to 'check' (on the way to 'sealed')");
    nothing_imported();
    // The type's rules run on each step, as for a user's transition; every refused row is reported.
    e = Catch([&] {
        svc_->Import(ctx_, "test_gadget", DataFormat::kJson,
                     R"([{"label": "Lamp", "weight": 12, "state": "sealed"},
                         {"label": "Bulb", "weight": 5, "state": "sealed"},
                         {"label": "Fuse", "weight": 2, "state": "sealed"}])");
    });
    ASSERT_EQ(e.details().size(), 2u) << e.what();
    EXPECT_EQ(e.details()[0].line, 2);
    EXPECT_EQ(e.details()[0].message, "a sealed gadget weighs 10 or more");
    EXPECT_EQ(e.details()[1].line, 3);
    EXPECT_NE(std::string(e.what()).find("nothing was imported: 2 of 3 rows have problems"), std::string::npos)
        << e.what();
    nothing_imported();
    // Each transition's permission or roles: a contributor may check but not seal (records.approve) or scrap.
    Context contributor = ctx_;
    contributor.role = Role::kContributor;
    e = Catch([&] {
        svc_->Import(contributor, "test_gadget", DataFormat::kCsv,
                     "label,weight,state\nLamp,12,checked\nBulb,12,sealed\nFuse,1,scrapped\n");
    });
    // Nothing is wrong with the file, only with what the account may do: forbidden, naming the rows.
    EXPECT_EQ(e.code(), ErrorCode::kForbidden) << e.what();
    ASSERT_EQ(e.details().size(), 2u) << e.what();
    EXPECT_EQ(e.details()[0].line, 3);
    EXPECT_EQ(e.details()[0].field, "state");
    EXPECT_NE(e.details()[0].message.find("'seal'"), std::string::npos) << e.details()[0].message;
    EXPECT_NE(e.details()[0].message.find("records.approve"), std::string::npos) << e.details()[0].message;
    EXPECT_NE(e.details()[1].message.find("only the roles isms_manager"), std::string::npos) << e.details()[1].message;
    nothing_imported();
    // A refusal beside a fault of the file: the file has problems (invalid input), every one reported.
    e = Catch([&] {
        svc_->Import(contributor, "test_gadget", DataFormat::kCsv, "label,weight,state\nLamp,heavy,checked\nBulb,12,sealed\n");
    });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput) << e.what();
    EXPECT_TRUE(std::any_of(e.details().begin(), e.details().end(),
                            [](const ErrorDetail& d) { return d.line == 2 && d.field == "weight"; }))
        << e.what();
    EXPECT_TRUE(std::any_of(e.details().begin(), e.details().end(), [](const ErrorDetail& d) {
        return d.line == 3 && d.message.find("records.approve") != std::string::npos;
    })) << e.what();
    nothing_imported();
    // All good: the record walked new → checked → sealed, each step in its history, approved on the way.
    auto r = svc_->Import(ctx_, "test_gadget", DataFormat::kCsv, "label,weight,state\nLamp,12,sealed\n");
    auto lamp = svc_->Get(ctx_, "test_gadget", r.ids[0]);
    EXPECT_EQ(lamp.state, "sealed");
    EXPECT_EQ(lamp.approved_by, "user:tester");
    auto h = svc_->History(ctx_, "test_gadget", lamp.id);
    ASSERT_EQ(h.size(), 3u);
    EXPECT_EQ(h[0].op, "create");
    EXPECT_EQ(h[1].transition, "check");
    EXPECT_EQ(h[2].transition, "seal");
    EXPECT_EQ(h[2].detail["import_line"], 2);
    EXPECT_EQ(svc_->Revisions(ctx_, "test_gadget", lamp.id).size(), 1u);
    // A state the workflow cannot reach from where the record is is refused with the states it can reach.
    e = Catch([&] {
        svc_->Import(ctx_, "test_gadget", DataFormat::kCsv, "id,label,weight,state\n" + lamp.id + ",Lamp,12,new\n");
    });
    ASSERT_EQ(e.details().size(), 1u) << e.what();
    EXPECT_EQ(e.details()[0].field, "state");
    EXPECT_EQ(e.details()[0].allowed, std::vector<std::string>{"scrapped"});
    // The export imports back unchanged (its state column is the current state).
    auto again =
        svc_->Import(ctx_, "test_gadget", DataFormat::kCsv, svc_->Export(ctx_, "test_gadget", DataFormat::kCsv));
    EXPECT_EQ(again.created + again.updated, 0);
    // A state given when creating through the service is refused, not ignored.
    e = Catch([&] { svc_->Create(ctx_, "test_gadget", {{"label", "Fuse"}, {"weight", 12}, {"state", "sealed"}}); });
    ASSERT_EQ(e.details().size(), 1u) << e.what();
    EXPECT_EQ(e.details()[0].field, "state");
    EXPECT_NE(e.details()[0].message.find("starts in 'new'"), std::string::npos) << e.details()[0].message;
}

TEST_P(RecordServiceTest, RecordsAsOfAnInstantComeFromTheChangeLog) {
    auto before_anything = time::NowUtc();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto a = Person("Anna", "anna@k.se");
    auto b = Person("Bo", "bo@k.se");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto middle = time::NowUtc();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    svc_->Update(ctx_, "person", a.id, {{"job_title", "CISO"}});
    svc_->Delete(ctx_, "person", b.id);
    auto c = Person("Cecilia", "c@k.se");
    store_->Read([&](store::Db& db) {
        EXPECT_TRUE(RecordsAsOf(db, ctx_.org_id, "person", before_anything).empty());
        auto then = RecordsAsOf(db, ctx_.org_id, "person", middle);
        ASSERT_EQ(then.size(), 2u);
        EXPECT_EQ(then[0].id, a.id);
        EXPECT_FALSE(then[0].data.contains("job_title"));
        EXPECT_EQ(then[1].id, b.id);  // deleted since, but there then
        auto now = RecordsAsOf(db, ctx_.org_id, "person", time::NowUtc());
        ASSERT_EQ(now.size(), 2u);
        EXPECT_EQ(now[0].data["job_title"], "CISO");
        EXPECT_EQ(now[1].id, c.id);
        EXPECT_TRUE(RecordsAsOf(db, "another-org", "person", time::NowUtc()).empty());
    });
}

INSTANTIATE_TEST_SUITE_P(Backends, RecordServiceTest, ::testing::ValuesIn(store::testing_support::Backends()));

}  // namespace
}  // namespace isms::records
