#include "isms/soa/statement.hpp"

#include <gtest/gtest.h>

#include "isms/core/error.hpp"
#include "isms/risk/test_directory.hpp"
#include "isms/store/test_support.hpp"

namespace isms::soa {
namespace {

using store::V;

class SoaStatementTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        db_ = store::testing_support::TempDatabase::Create(GetParam());
        if (!db_) GTEST_SKIP() << "backend not available: " << GetParam();
        store_ = store::Store::Open(db_->url(), {.create = true, .pool_size = 3});
        store_->Migrate();
        records_ = std::make_unique<risk::testing_support::RecordsFixture>(*store_);
        for (const char* org : {"org-a", "org-b"}) {
            store_->Write(Context::System(), [&](store::WriteTx& tx) {
                tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES (?, ?, ?, 'now')",
                        {V(org), V(org), V(org)});
            });
            records_->Seed(org);
        }
        criteria_ = std::make_unique<risk::RiskCriteriaService>(*store_);
        library_ = std::make_unique<risk::RiskLibrary>(*store_, records_->catalog());
        risks_ = std::make_unique<risk::RiskRegister>(*store_, *criteria_, *library_, records_->catalog(), records_->directory());
        soa_ = std::make_unique<StatementOfApplicability>(*store_, records_->catalog(), records_->directory());
        ctx_.org_id = "org-a";
        ctx_.actor = "user:manager";
        ctx_.role = Role::kIsmsManager;
    }

    // Decides every control: applicable with a business need, except those listed.
    void DecideAll(const std::set<std::string>& skip = {}) {
        for (const auto& c : risk::AnnexAControls(records_->catalog(), ctx_)) {
            if (skip.count(c.id)) continue;
            DecisionInput d;
            d.applicability = "applicable";
            d.inclusion_reason = "baseline of the organisation";
            soa_->Decide(ctx_, c.id, d);
        }
    }

    void TreatedRisk(const std::vector<std::string>& controls) {
        risk::RiskInput in;
        in.title = "Account takeover of payroll administrators";
        in.owner = "P-1";
        in.assets = {{"AS-1"}};
        in.threats = {{"T01"}};
        in.vulnerabilities = {{"V01"}};
        in.likelihood = 4;
        in.consequence = 4;
        auto r = risks_->Create(ctx_, in);
        risk::TreatmentInput t;
        t.option = "modify";
        t.controls = controls;
        risks_->Treat(ctx_, r.id, t);
    }

    static ErrorCode CodeOf(const std::function<void()>& f, std::string* msg = nullptr) {
        try {
            f();
        } catch (const Error& e) {
            if (msg) *msg = e.what();
            return e.code();
        }
        ADD_FAILURE() << "expected an error";
        return ErrorCode::kInternal;
    }

    int64_t Count(const std::string& table) {
        return store_->Read([&](store::Db& db) { return db.QueryOne("SELECT COUNT(*) FROM " + table)->Int(0); });
    }

    std::unique_ptr<store::testing_support::TempDatabase> db_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<risk::testing_support::RecordsFixture> records_;
    std::unique_ptr<risk::RiskCriteriaService> criteria_;
    std::unique_ptr<risk::RiskLibrary> library_;
    std::unique_ptr<risk::RiskRegister> risks_;
    std::unique_ptr<StatementOfApplicability> soa_;
    Context ctx_;
};

TEST_P(SoaStatementTest, TreatmentShowsUpInTheStatementWithoutTypingItTwice) {
    TreatedRisk({"8.5", "5.17"});
    auto e = soa_->Get(ctx_, "8.5");
    EXPECT_EQ(e.applicability, "applicable");
    EXPECT_EQ(e.decided_by, "derived");
    EXPECT_EQ(e.risks, (std::vector<std::string>{"R-1"}));
    EXPECT_EQ(e.status, "planned");
    // A closed risk no longer justifies anything.
    risk::RiskInput close;
    close.closed = true;
    risks_->Update(ctx_, "R-1", close);
    EXPECT_EQ(soa_->Get(ctx_, "8.5").applicability, "undecided");
}

TEST_P(SoaStatementTest, ExcludedControlWithoutJustificationIsRejected) {
    DecisionInput d;
    d.applicability = "not_applicable";
    std::string msg;
    EXPECT_EQ(CodeOf([&] { soa_->Decide(ctx_, "7.4", d); }, &msg), ErrorCode::kInvalidInput);
    EXPECT_NE(msg.find("exclusion_reason"), std::string::npos) << msg;
    EXPECT_EQ(Count("soa_decisions"), 0);
    d.exclusion_reason = "No premises of our own: all systems run in a certified cloud region";
    auto e = soa_->Decide(ctx_, "7.4", d);
    EXPECT_EQ(e.applicability, "not_applicable");
    EXPECT_EQ(e.status, "not_applicable");
    EXPECT_EQ(e.version, 1);
}

TEST_P(SoaStatementTest, DecisionInputIsValidated) {
    DecisionInput d;
    d.applicability = "maybe";
    EXPECT_EQ(CodeOf([&] { soa_->Decide(ctx_, "5.1", d); }), ErrorCode::kInvalidInput);
    d.applicability = "applicable";
    d.status = "done";
    EXPECT_EQ(CodeOf([&] { soa_->Decide(ctx_, "5.1", d); }), ErrorCode::kInvalidInput);
    d.status = "not_applicable";
    EXPECT_EQ(CodeOf([&] { soa_->Decide(ctx_, "5.1", d); }), ErrorCode::kInvalidInput);
    d.status = "partial";
    d.owner = "P-404";
    EXPECT_EQ(CodeOf([&] { soa_->Decide(ctx_, "5.1", d); }), ErrorCode::kInvalidInput);
    d.owner = "P-3";
    d.evidence = {{"https://wiki.example/policies", "line\nbreak"}};
    EXPECT_EQ(CodeOf([&] { soa_->Decide(ctx_, "5.1", d); }), ErrorCode::kInvalidInput);
    EXPECT_EQ(CodeOf([&] { soa_->Decide(ctx_, "9.1", {}); }), ErrorCode::kNotFound);
    EXPECT_EQ(Count("soa_decisions"), 0);
    d.evidence = {{"https://wiki.example/policies", "DOC-1"}};
    auto e = soa_->Decide(ctx_, "5.1", d);
    EXPECT_EQ(e.status, "partial");
    EXPECT_EQ(e.owner, "P-3");
    // Stale edits are refused.
    EXPECT_EQ(CodeOf([&] { soa_->Decide(ctx_, "5.1", d, 0); }), ErrorCode::kPreconditionFailed);
    EXPECT_EQ(soa_->Decide(ctx_, "5.1", d, 1).version, 2);
}

TEST_P(SoaStatementTest, ApprovingWithOpenItemsNeedsARecordedOverride) {
    DecideAll({"5.7"});
    std::string msg;
    EXPECT_EQ(CodeOf([&] { soa_->Approve(ctx_, {"first SoA", ""}); }, &msg), ErrorCode::kConflict);
    EXPECT_NE(msg.find("1 open item"), std::string::npos) << msg;
    EXPECT_NE(msg.find("5.7"), std::string::npos) << msg;
    EXPECT_EQ(Count("soa_versions"), 0);
    auto v = soa_->Approve(ctx_, {"first SoA", "threat intelligence decided at next review"});
    EXPECT_EQ(v.version, 1);
    EXPECT_EQ(v.open_items, 1);
    EXPECT_EQ(v.override_reason, "threat intelligence decided at next review");
    EXPECT_EQ(v.criteria_version, 1);
    EXPECT_EQ(v.entries.size(), 93u);
    auto again = soa_->GetVersion(ctx_, 1);
    EXPECT_EQ(again.hash, v.hash);
    EXPECT_EQ(again.check.size(), 1u);
    EXPECT_EQ(again.approved_by, "user:manager");
}

TEST_P(SoaStatementTest, ApprovalNeedsAuthority) {
    DecideAll();
    Context owner = ctx_;
    owner.role = Role::kRiskOwner;
    EXPECT_EQ(CodeOf([&] { soa_->Approve(owner, {"", ""}); }), ErrorCode::kForbidden);
    DecisionInput d;
    d.notes = "x";
    EXPECT_EQ(CodeOf([&] { soa_->Decide(owner, "5.1", d); }), ErrorCode::kForbidden);
}

TEST_P(SoaStatementTest, ApprovedVersionsAreImmutableAndDiffable) {
    DecideAll();
    auto v1 = soa_->Approve(ctx_, {"v1", ""});
    EXPECT_EQ(v1.open_items, 0);
    DecisionInput d;
    d.applicability = "not_applicable";
    d.exclusion_reason = "No own premises";
    soa_->Decide(ctx_, "7.4", d);
    TreatedRisk({"8.5"});
    // Later changes do not touch version 1.
    EXPECT_EQ(soa_->GetVersion(ctx_, 1).hash, v1.hash);
    auto v2 = soa_->Approve(ctx_, {"v2", ""});
    auto changes = soa_->Diff(ctx_, 1, 2);
    std::set<std::pair<std::string, std::string>> got;
    for (const auto& c : changes) got.insert({c.control_id, c.field});
    EXPECT_TRUE(got.count({"7.4", "applicability"}));
    EXPECT_TRUE(got.count({"8.5", "risks"}));
    EXPECT_EQ(soa_->Diff(ctx_, 2, 0).size(), 0u);  // nothing changed since v2
    EXPECT_EQ(CodeOf([&] { soa_->Diff(ctx_, 1, 7); }), ErrorCode::kNotFound);
    ASSERT_EQ(soa_->Versions(ctx_).size(), 2u);
    // Tampering with a stored snapshot is detected.
    store_->Write(Context::System(), [](store::WriteTx& tx) {
        tx.Exec("UPDATE soa_versions SET snapshot_json = REPLACE(snapshot_json, 'No own premises', 'Whatever') WHERE "
                "version = 2");
    });
    EXPECT_EQ(CodeOf([&] { soa_->GetVersion(ctx_, 2); }), ErrorCode::kInternal);
}

TEST_P(SoaStatementTest, OrganisationsHaveTheirOwnStatement) {
    DecisionInput d;
    d.applicability = "applicable";
    d.inclusion_reason = "x";
    soa_->Decide(ctx_, "5.1", d);
    Context other = ctx_;
    other.org_id = "org-b";
    EXPECT_EQ(soa_->Get(other, "5.1").applicability, "undecided");
    EXPECT_EQ(soa_->Check(other).size(), 93u);
}

TEST_P(SoaStatementTest, RequirementRecordsJustifyInclusion) {
    Context sys = Context::System("org-a");
    auto& rec = records_->service();
    auto gdpr = rec.Create(sys, "legal_requirement",
                           {{"title", "GDPR"}, {"kind", "law"}, {"obligations", "Protect personal data"},
                            {"controls", {"5.34", "8.11"}}});
    auto ip = rec.Create(sys, "interested_party", {{"name", "Customers"}, {"category", "customer"}, {"origin", "external"}});
    rec.Create(sys, "requirement",
               {{"title", "MFA for admin access"}, {"interested_party", ip.id}, {"kind", "contractual"},
                {"controls", {"8.5"}}});
    auto pii = soa_->Get(ctx_, "5.34");
    EXPECT_EQ(pii.applicability, "applicable");
    EXPECT_EQ(pii.decided_by, "derived");
    ASSERT_EQ(pii.requirements.size(), 1u);
    EXPECT_EQ(pii.requirements[0].id, gdpr.id);
    EXPECT_EQ(pii.requirements[0].basis, "legal");
    auto mfa = soa_->Get(ctx_, "8.5");
    ASSERT_EQ(mfa.requirements.size(), 1u);
    EXPECT_EQ(mfa.requirements[0].basis, "interested_party:contractual");
    // Excluding a required control is an open item of the check.
    DecisionInput d;
    d.applicability = "not_applicable";
    d.exclusion_reason = "we think it does not apply";
    soa_->Decide(ctx_, "8.11", d);
    bool found = false;
    for (const auto& c : soa_->Check(ctx_))
        if (c.control_id == "8.11") {
            found = true;
            EXPECT_EQ(c.kind, "required_but_excluded");
            EXPECT_EQ(c.refs, (std::vector<std::string>{gdpr.id}));
        }
    EXPECT_TRUE(found);
    // A retired obligation no longer counts.
    rec.Transition(sys, "legal_requirement", gdpr.id, "retire");
    EXPECT_EQ(soa_->Get(ctx_, "5.34").applicability, "undecided");
}

TEST_P(SoaStatementTest, FilterWithTheCatalogQueryLanguage) {
    TreatedRisk({"8.16", "8.5"});  // 8.16 monitoring is Detective
    DecisionInput d;
    d.applicability = "applicable";
    d.inclusion_reason = "baseline";
    d.status = "implemented";
    soa_->Decide(ctx_, "8.15", d);  // logging: Detective, implemented
    auto open = soa_->Select(ctx_, "applicability = applicable and control_type = Detective and status != implemented");
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(open[0].control_id, "8.16");
    EXPECT_EQ(soa_->Select(ctx_, "risks = R-1", "-id").front().control_id, "8.16");
    EXPECT_EQ(soa_->Select(ctx_, "applicability = undecided").size(), 90u);
    EXPECT_EQ(soa_->Select(ctx_, "").size(), 93u);
    try {
        soa_->Select(ctx_, "aplicability = applicable");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
        EXPECT_NE(std::string(e.what()).find("applicability"), std::string::npos) << e.what();
    }
    EXPECT_THROW(soa_->Select(ctx_, "status = done"), Error);
}

INSTANTIATE_TEST_SUITE_P(Backends, SoaStatementTest, ::testing::ValuesIn(store::testing_support::Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace isms::soa
