#include "isms/risk/register.hpp"

#include <gtest/gtest.h>

#include <set>

#include "isms/core/error.hpp"
#include "isms/risk/test_directory.hpp"
#include "isms/store/test_support.hpp"

namespace isms::risk {
namespace {

using store::V;

class RiskRegisterTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        db_ = store::testing_support::TempDatabase::Create(GetParam());
        if (!db_) GTEST_SKIP() << "backend not available: " << GetParam();
        store_ = store::Store::Open(db_->url(), {.create = true, .pool_size = 3});
        store_->Migrate();
        records_ = std::make_unique<testing_support::RecordsFixture>(*store_);
        for (const char* org : {"org-a", "org-b"}) {
            store_->Write(Context::System(), [&](store::WriteTx& tx) {
                tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES (?, ?, ?, 'now')",
                        {V(org), V(org), V(org)});
            });
            records_->Seed(org);
        }
        criteria_ = std::make_unique<RiskCriteriaService>(*store_);
        library_ = std::make_unique<RiskLibrary>(*store_, records_->catalog());
        register_ = std::make_unique<RiskRegister>(*store_, *criteria_, *library_, records_->catalog(), records_->directory());
        ctx_ = As(Role::kIsmsManager, "user:manager");
    }

    static Context As(Role role, std::string actor, std::string org = "org-a") {
        Context c;
        c.org_id = std::move(org);
        c.actor = std::move(actor);
        c.role = role;
        return c;
    }

    RiskInput AssetRisk(int l = 4, int c = 4) {
        RiskInput in;
        in.title = "Payroll data stolen through phished credentials";
        in.owner = "P-1";
        in.assets = {{"AS-1"}};
        in.threats = {{"T01"}};
        in.vulnerabilities = {{"V01", "V06"}};
        in.likelihood = l;
        in.consequence = c;
        return in;
    }

    int64_t Count(const std::string& table) {
        return store_->Read([&](store::Db& db) { return db.QueryOne("SELECT COUNT(*) FROM " + table)->Int(0); });
    }

    static ErrorCode CodeOf(const std::function<void()>& f, std::string* msg = nullptr,
                            std::vector<ErrorDetail>* details = nullptr) {
        try {
            f();
        } catch (const Error& e) {
            if (msg) *msg = e.what();
            if (details) *details = e.details();
            return e.code();
        }
        ADD_FAILURE() << "expected an error";
        return ErrorCode::kInternal;
    }

    std::unique_ptr<store::testing_support::TempDatabase> db_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<testing_support::RecordsFixture> records_;
    std::unique_ptr<RiskCriteriaService> criteria_;
    std::unique_ptr<RiskLibrary> library_;
    std::unique_ptr<RiskRegister> register_;
    Context ctx_;
};

TEST_P(RiskRegisterTest, AssetBasedRiskIsScoredOnTheDefaultCriteria) {
    auto r = register_->Create(ctx_, AssetRisk(4, 4));
    EXPECT_EQ(r.id, "R-1");
    EXPECT_EQ(r.approach, Approach::kAssetBased);
    ASSERT_TRUE(r.inherent);
    EXPECT_EQ(r.inherent->criteria_version, 1);
    EXPECT_EQ(r.inherent->level, "high");
    EXPECT_EQ(r.status, "assessed");
    // C and I come from the threat T01 when the input names no properties.
    EXPECT_EQ(r.cia.ToString(), "CI");
    EXPECT_EQ(criteria_->History(ctx_).size(), 1u);  // the default was stored by the first scoring
    auto again = register_->Get(ctx_, "R-1");
    EXPECT_EQ(again.ToJson(), r.ToJson());
    EXPECT_EQ(register_->History(ctx_, "R-1").size(), 1u);
}

TEST_P(RiskRegisterTest, ScoreOutsideTheScaleIsRejectedAndNothingIsWritten) {
    std::string msg;
    std::vector<ErrorDetail> d;
    EXPECT_EQ(CodeOf([&] { register_->Create(ctx_, AssetRisk(6, 2)); }, &msg, &d), ErrorCode::kInvalidInput);
    EXPECT_NE(msg.find("1 (Rare) to 5 (Almost certain)"), std::string::npos) << msg;
    ASSERT_FALSE(d.empty());
    EXPECT_EQ(d[0].field, "likelihood");
    EXPECT_EQ(Count("risks"), 0);
    EXPECT_EQ(Count("risk_assessments"), 0);
    EXPECT_EQ(Count("risk_criteria"), 0);  // even the default criteria were rolled back
}

TEST_P(RiskRegisterTest, AssetBasedRiskNamesExistingAssetsThreatsVulnerabilitiesAndOwner) {
    RiskInput in = AssetRisk();
    in.assets = {{"AS-404"}};
    in.threats = {{"T99"}};
    in.vulnerabilities = std::vector<std::string>{};
    in.owner = "P-77";
    std::vector<ErrorDetail> d;
    EXPECT_EQ(CodeOf([&] { register_->Create(ctx_, in); }, nullptr, &d), ErrorCode::kInvalidInput);
    std::set<std::string> fields;
    for (const auto& e : d) fields.insert(e.field);
    EXPECT_TRUE(fields.count("assets"));
    EXPECT_TRUE(fields.count("threats"));
    EXPECT_TRUE(fields.count("vulnerabilities"));
    EXPECT_TRUE(fields.count("owner"));
    EXPECT_EQ(Count("risks"), 0);
}

TEST_P(RiskRegisterTest, EventBasedRiskNeedsAScenario) {
    RiskInput in;
    in.title = "Regional cloud outage during payroll run";
    in.owner = "P-2";
    in.approach = "scenario";
    in.cia = Cia::Parse("A");
    std::vector<ErrorDetail> d;
    EXPECT_EQ(CodeOf([&] { register_->Create(ctx_, in); }, nullptr, &d), ErrorCode::kInvalidInput);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].field, "scenario");
    in.scenario = "The hosting region fails on payday; salaries cannot be paid on time.";
    auto r = register_->Create(ctx_, in);
    EXPECT_EQ(r.approach, Approach::kEventBased);
    EXPECT_EQ(r.status, "identified");  // not scored yet
}

TEST_P(RiskRegisterTest, ReassessmentKeepsEarlierResults) {
    register_->Create(ctx_, AssetRisk(4, 4));
    register_->Assess(ctx_, "R-1", 3, 4, "after MFA roll-out");
    register_->Assess(ctx_, "R-1", 3, 4, "annual review: unchanged");
    auto h = register_->History(ctx_, "R-1");
    ASSERT_EQ(h.size(), 3u);
    EXPECT_EQ(h[0].score.likelihood, 4);
    EXPECT_EQ(h[0].score.level, "high");
    EXPECT_EQ(h[1].score.likelihood, 3);
    EXPECT_EQ(h[1].note, "after MFA roll-out");
    EXPECT_EQ(h[2].note, "annual review: unchanged");
    EXPECT_EQ(register_->Get(ctx_, "R-1").inherent->level, "high");  // 3 × 4 is high on the default
}

TEST_P(RiskRegisterTest, NewCriteriaVersionLeavesOldScoresAndRequiresReassessmentBeforeTreatment) {
    register_->Create(ctx_, AssetRisk(2, 2));
    auto v1 = criteria_->Current(ctx_);
    ASSERT_EQ(v1.version, 1);
    auto three = RiskCriteria::Default(3);
    three.note = "simpler scale";
    auto v2 = criteria_->Set(ctx_, three, 1);
    EXPECT_EQ(v2.version, 2);
    EXPECT_EQ(criteria_->Version(ctx_, 1).likelihood.size(), 5u);
    // A stale edit is refused.
    EXPECT_EQ(CodeOf([&] { criteria_->Set(ctx_, three, 1); }), ErrorCode::kPreconditionFailed);
    auto r = register_->Get(ctx_, "R-1");
    EXPECT_EQ(r.inherent->criteria_version, 1);
    std::string msg;
    TreatmentInput t;
    t.option = "modify";
    t.controls = {{"8.5"}};
    EXPECT_EQ(CodeOf([&] { register_->Treat(ctx_, "R-1", t); }, &msg), ErrorCode::kConflict);
    EXPECT_NE(msg.find("assess it again"), std::string::npos) << msg;
    // On the 3-step scale, 5 is out of range now.
    EXPECT_EQ(CodeOf([&] { register_->Assess(ctx_, "R-1", 5, 1, ""); }), ErrorCode::kInvalidInput);
    register_->Assess(ctx_, "R-1", 2, 3, "rescored on v2");
    EXPECT_EQ(register_->Treat(ctx_, "R-1", t).inherent->criteria_version, 2);
}

TEST_P(RiskRegisterTest, ChangingCriteriaNeedsTopManagementAuthority) {
    auto owner = As(Role::kRiskOwner, "user:anna");
    EXPECT_EQ(CodeOf([&] { criteria_->Set(owner, RiskCriteria::Default(4), std::nullopt); }), ErrorCode::kForbidden);
    EXPECT_EQ(criteria_->History(ctx_).size(), 0u);
}

TEST_P(RiskRegisterTest, TreatmentChecksControlsAgainstTheCatalog) {
    register_->Create(ctx_, AssetRisk(4, 4));
    TreatmentInput t;
    t.option = "modify";
    t.controls = {{"8.5", "5.99", "A.9.4.2"}};
    t.residual_likelihood = 2;
    t.residual_consequence = 4;
    std::string msg;
    std::vector<ErrorDetail> d;
    EXPECT_EQ(CodeOf([&] { register_->Treat(ctx_, "R-1", t); }, &msg, &d), ErrorCode::kInvalidInput);
    EXPECT_NE(msg.find("'5.99' is not an Annex A control"), std::string::npos) << msg;
    EXPECT_EQ(d.size(), 2u);
    auto r = register_->Get(ctx_, "R-1");
    EXPECT_FALSE(r.treatment);
    EXPECT_EQ(Count("risk_links WHERE kind = 'control'"), 0);

    // The organisation's own controls are checked too.
    t.controls = {{"8.5", "6.3"}};
    t.own_controls = {{"OC-1"}};
    EXPECT_EQ(CodeOf([&] { register_->Treat(ctx_, "R-1", t); }, &msg), ErrorCode::kInvalidInput);
    EXPECT_NE(msg.find("own controls"), std::string::npos) << msg;
    auto oc = register_->AddOwnControl(ctx_, "Payroll four-eyes release", "Two people release each payroll run");
    EXPECT_EQ(oc.id, "OC-1");
    r = register_->Treat(ctx_, "R-1", t);
    ASSERT_TRUE(r.treatment);
    EXPECT_EQ(r.treatment->controls, (std::vector<std::string>{"8.5", "6.3"}));
    EXPECT_EQ(r.treatment->own_controls, (std::vector<std::string>{"OC-1"}));
    EXPECT_EQ(r.treatment->residual->level, "medium");
    EXPECT_EQ(r.status, "treatment_planned");
    EXPECT_EQ(register_->AnnexAUsage(ctx_)["8.5"], (std::vector<std::string>{"R-1"}));
}

TEST_P(RiskRegisterTest, TreatmentRulesPerOption) {
    register_->Create(ctx_, AssetRisk(3, 3));
    TreatmentInput t;
    t.option = "modify";
    std::string msg;
    EXPECT_EQ(CodeOf([&] { register_->Treat(ctx_, "R-1", t); }, &msg), ErrorCode::kInvalidInput);
    EXPECT_NE(msg.find("at least one control"), std::string::npos);
    t.controls = {{"8.5"}};
    t.residual_likelihood = 4;  // above the inherent 3
    t.residual_consequence = 2;
    EXPECT_EQ(CodeOf([&] { register_->Treat(ctx_, "R-1", t); }, &msg), ErrorCode::kInvalidInput);
    EXPECT_NE(msg.find("may not exceed the inherent score"), std::string::npos) << msg;
    t.option = "mitigate-somehow";
    EXPECT_EQ(CodeOf([&] { register_->Treat(ctx_, "R-1", t); }), ErrorCode::kInvalidInput);

    TreatmentInput retain;
    retain.option = "retain";
    auto r = register_->Treat(ctx_, "R-1", retain);
    EXPECT_EQ(r.treatment->residual->likelihood, 3);  // the inherent score stays
    EXPECT_EQ(r.status, "treated");                    // nothing to do for a retained risk
    retain.controls = {{"8.5"}};
    EXPECT_EQ(CodeOf([&] { register_->Treat(ctx_, "R-1", retain); }), ErrorCode::kInvalidInput);
}

TEST_P(RiskRegisterTest, OnlyTheOwnerAcceptsAndOnlyWithinTheCriteria) {
    auto anna = As(Role::kRiskOwner, "user:anna");
    auto erik = As(Role::kRiskOwner, "user:erik");
    register_->Create(ctx_, AssetRisk(4, 4));  // owner P-1 (Anna), inherent high
    TreatmentInput t;
    t.option = "modify";
    t.controls = {{"8.5"}};
    t.residual_likelihood = 4;
    t.residual_consequence = 3;  // still high
    register_->Treat(ctx_, "R-1", t);

    AcceptanceInput a;
    a.comment = "we can live with it";
    std::string msg;
    // Erik belongs to top management but does not own R-1.
    EXPECT_EQ(CodeOf([&] { register_->Accept(erik, "R-1", a); }, &msg), ErrorCode::kForbidden);
    EXPECT_NE(msg.find("only the risk owner"), std::string::npos) << msg;
    // Anna owns it, but high needs top management.
    EXPECT_EQ(CodeOf([&] { register_->Accept(anna, "R-1", a); }, &msg), ErrorCode::kForbidden);
    EXPECT_NE(msg.find("top management"), std::string::npos) << msg;
    // Nobody may speak for someone else.
    a.person = "P-2";
    EXPECT_EQ(CodeOf([&] { register_->Accept(anna, "R-1", a); }), ErrorCode::kForbidden);
    // A viewer lacks the permission altogether.
    EXPECT_EQ(CodeOf([&] { register_->Accept(As(Role::kViewer, "user:anna"), "R-1", a); }), ErrorCode::kForbidden);
    EXPECT_EQ(Count("risk_acceptances"), 0);

    // Reduced to medium, Anna may accept.
    t.residual_likelihood = 2;
    register_->Treat(ctx_, "R-1", t);
    a.person.reset();
    auto r = register_->Accept(anna, "R-1", a);
    ASSERT_TRUE(r.acceptance);
    EXPECT_EQ(r.acceptance->person_id, "P-1");
    EXPECT_EQ(r.acceptance->recorded_by, "user:anna");
    EXPECT_EQ(r.acceptance->authority, "risk_owner");
    EXPECT_EQ(r.status, "accepted");

    // A changed treatment ends the acceptance; the history keeps it.
    t.residual_likelihood = 1;
    r = register_->Treat(ctx_, "R-1", t);
    EXPECT_FALSE(r.acceptance);
    EXPECT_EQ(r.status, "treatment_planned");
    auto all = register_->Acceptances(ctx_, "R-1");
    ASSERT_EQ(all.size(), 1u);
    EXPECT_FALSE(all[0].current);
}

TEST_P(RiskRegisterTest, TopManagementOwnerMayAcceptHighButNobodyCritical) {
    auto erik = As(Role::kRiskOwner, "user:erik");
    RiskInput in = AssetRisk(5, 5);
    in.owner = "P-2";
    register_->Create(ctx_, in);
    TreatmentInput t;
    t.option = "retain";
    register_->Treat(ctx_, "R-1", t);
    AcceptanceInput a{std::nullopt, "board accepted"};
    std::string msg;
    EXPECT_EQ(CodeOf([&] { register_->Accept(erik, "R-1", a); }, &msg), ErrorCode::kForbidden);
    EXPECT_NE(msg.find("does not allow anyone"), std::string::npos) << msg;
    register_->Assess(ctx_, "R-1", 4, 4, "");
    register_->Treat(ctx_, "R-1", t);
    EXPECT_EQ(register_->Accept(erik, "R-1", a).acceptance->authority, "top_management");
}

TEST_P(RiskRegisterTest, LocalOperatorNamesThePersonWhoAccepts) {
    Context op = As(Role::kAdministrator, "cli:root");
    register_->Create(ctx_, AssetRisk(2, 2));
    TreatmentInput t;
    t.option = "retain";
    register_->Treat(ctx_, "R-1", t);
    AcceptanceInput a{std::nullopt, "low risk"};
    EXPECT_EQ(CodeOf([&] { register_->Accept(op, "R-1", a); }), ErrorCode::kInvalidInput);
    a.person = "P-3";  // not the owner
    EXPECT_EQ(CodeOf([&] { register_->Accept(op, "R-1", a); }), ErrorCode::kForbidden);
    a.person = "P-1";
    auto r = register_->Accept(op, "R-1", a);
    EXPECT_EQ(r.acceptance->person_id, "P-1");
    EXPECT_EQ(r.acceptance->recorded_by, "cli:root");
    // A risk owner whose account has no person record cannot accept at all.
    EXPECT_EQ(CodeOf([&] { register_->Accept(As(Role::kRiskOwner, "token:ci"), "R-1", a); }), ErrorCode::kForbidden);
}

TEST_P(RiskRegisterTest, ReassessingBelowThePlannedResidualSaysWhatItRemoved) {
    Context op = As(Role::kAdministrator, "cli:root");
    register_->Create(ctx_, AssetRisk(4, 4));
    TreatmentInput t;
    t.option = "modify";
    t.controls = {{"8.5"}};
    t.residual_likelihood = 3;
    t.residual_consequence = 2;
    register_->Treat(ctx_, "R-1", t);
    register_->Accept(op, "R-1", {std::string("P-1"), "within appetite"});
    // The same score again: nothing ends, nothing to say.
    auto same = register_->Assess(ctx_, "R-1", 4, 4, "annual review: unchanged");
    EXPECT_TRUE(same.notices.empty());
    EXPECT_FALSE(same.dropped_residual);
    ASSERT_TRUE(same.risk.acceptance);
    // Below the planned residual (3 × 2): the residual and the acceptance go, and the answer names both.
    auto lower = register_->Assess(ctx_, "R-1", 2, 2, "the service was retired in one region");
    ASSERT_TRUE(lower.dropped_residual);
    EXPECT_EQ(lower.dropped_residual->likelihood, 3);
    EXPECT_FALSE(lower.risk.treatment->residual);
    EXPECT_FALSE(lower.risk.acceptance);
    ASSERT_TRUE(lower.ended_acceptance);
    ASSERT_EQ(lower.notices.size(), 2u);
    EXPECT_NE(lower.notices[0].find("3 × 2"), std::string::npos) << lower.notices[0];
    EXPECT_NE(lower.notices[0].find("exceeds the new inherent score 2 × 2 and was removed"), std::string::npos)
        << lower.notices[0];
    EXPECT_NE(lower.notices[1].find(lower.ended_acceptance->id + " by P-1"), std::string::npos) << lower.notices[1];
    auto j = lower.ToJson();
    EXPECT_EQ(j["notices"].size(), 2u);
    EXPECT_EQ(j["id"], "R-1");
    EXPECT_FALSE(register_->Get(ctx_, "R-1").treatment->residual);  // as stored
}

TEST_P(RiskRegisterTest, ActionsDriveTheStatusToTreated) {
    register_->Create(ctx_, AssetRisk(4, 4));
    ActionInput ai;
    ai.title = "Enforce MFA for all staff";
    ai.owner = "P-3";
    ai.due_date = "2026-06-30";
    ai.control = "8.5";
    EXPECT_EQ(CodeOf([&] { register_->AddAction(ctx_, "R-1", ai); }), ErrorCode::kConflict);  // no treatment yet
    TreatmentInput t;
    t.option = "modify";
    t.controls = {{"8.5", "6.3"}};
    register_->Treat(ctx_, "R-1", t);
    ai.control = "8.24";  // not chosen for R-1
    EXPECT_EQ(CodeOf([&] { register_->AddAction(ctx_, "R-1", ai); }), ErrorCode::kInvalidInput);
    ai.control = "8.5";
    ai.due_date = "2026-02-30";
    EXPECT_EQ(CodeOf([&] { register_->AddAction(ctx_, "R-1", ai); }), ErrorCode::kInvalidInput);
    ai.due_date = "2026-06-30";
    auto a1 = register_->AddAction(ctx_, "R-1", ai);
    ai.title = "Phishing training";
    ai.control = "6.3";
    auto a2 = register_->AddAction(ctx_, "R-1", ai);
    EXPECT_EQ(register_->Get(ctx_, "R-1").status, "treatment_planned");
    ActionInput done;
    done.status = "done";
    auto d1 = register_->UpdateAction(ctx_, a1.id, done, a1.row_version);
    EXPECT_FALSE(d1.completed_on.empty());
    EXPECT_EQ(CodeOf([&] { register_->UpdateAction(ctx_, a1.id, done, a1.row_version); }),
              ErrorCode::kPreconditionFailed);
    register_->UpdateAction(ctx_, a2.id, done);
    auto r = register_->Get(ctx_, "R-1");
    EXPECT_EQ(r.status, "treated");
    EXPECT_EQ(r.actions.size(), 2u);
    EXPECT_EQ(register_->Actions(ctx_).size(), 2u);
}

TEST_P(RiskRegisterTest, StaleVersionIsRefused) {
    auto r = register_->Create(ctx_, AssetRisk());
    RiskInput in;
    in.title = "Renamed";
    auto r2 = register_->Update(ctx_, r.id, in, r.row_version);
    EXPECT_EQ(r2.row_version, r.row_version + 1);
    EXPECT_EQ(CodeOf([&] { register_->Update(ctx_, r.id, in, r.row_version); }), ErrorCode::kPreconditionFailed);
}

TEST_P(RiskRegisterTest, ImportIsAllOrNothingAndNamesTheItem) {
    std::vector<RiskInput> items = {AssetRisk(1, 1), AssetRisk(2, 9), AssetRisk(3, 3)};
    items[2].owner = "P-404";
    std::vector<ErrorDetail> d;
    EXPECT_EQ(CodeOf([&] { register_->CreateMany(ctx_, items); }, nullptr, &d), ErrorCode::kInvalidInput);
    std::set<std::pair<int, std::string>> where;
    for (const auto& e : d) where.insert({e.line, e.field});
    EXPECT_TRUE(where.count({2, "items[1].consequence"}));
    EXPECT_TRUE(where.count({3, "items[2].owner"}));
    EXPECT_EQ(Count("risks"), 0);
    items[1].consequence = 2;
    items[2].owner = "P-2";
    auto made = register_->CreateMany(ctx_, items);
    ASSERT_EQ(made.size(), 3u);
    EXPECT_EQ(made[2].id, "R-3");
}

TEST_P(RiskRegisterTest, OtherOrganisationsRisksDoNotExist) {
    register_->Create(ctx_, AssetRisk());
    auto other = As(Role::kAdministrator, "user:b", "org-b");
    EXPECT_EQ(CodeOf([&] { register_->Get(other, "R-1"); }), ErrorCode::kNotFound);
    EXPECT_TRUE(register_->List(other).empty());
    RiskInput in;
    in.title = "x";
    EXPECT_EQ(CodeOf([&] { register_->Update(other, "R-1", in); }), ErrorCode::kNotFound);
    // Numbering is per organisation.
    EXPECT_EQ(register_->Create(other, AssetRisk()).id, "R-1");
}

TEST_P(RiskRegisterTest, ViewerMayReadButNotWrite) {
    register_->Create(ctx_, AssetRisk());
    auto viewer = As(Role::kViewer, "user:v");
    EXPECT_EQ(register_->List(viewer).size(), 1u);
    EXPECT_EQ(CodeOf([&] { register_->Create(viewer, AssetRisk()); }), ErrorCode::kForbidden);
    EXPECT_EQ(CodeOf([&] { register_->Assess(viewer, "R-1", 1, 1, ""); }), ErrorCode::kForbidden);
}

TEST_P(RiskRegisterTest, LibraryEditsOverlayTheBuiltInEntries) {
    auto threats = library_->List(ctx_, LibraryKind::kThreat);
    EXPECT_EQ(threats.size(), RiskLibrary::Builtin(LibraryKind::kThreat).size());
    EXPECT_GE(threats.size(), 30u);
    LibraryInput edit;
    edit.description = "Our wording";
    auto t01 = library_->Edit(ctx_, LibraryKind::kThreat, "T01", edit, 0);
    EXPECT_TRUE(t01.edited);
    EXPECT_EQ(t01.row_version, 1);
    EXPECT_EQ(CodeOf([&] { library_->Edit(ctx_, LibraryKind::kThreat, "T01", edit, 0); }),
              ErrorCode::kPreconditionFailed);
    EXPECT_EQ(library_->Find(ctx_, LibraryKind::kThreat, "T01")->description, "Our wording");
    // Another organisation still sees the shipped text.
    auto other = As(Role::kAdministrator, "user:b", "org-b");
    EXPECT_NE(library_->Find(other, LibraryKind::kThreat, "T01")->description, "Our wording");

    LibraryInput own;
    own.name = "Payroll file tampering by a customer's HR user";
    own.category = "deliberate attack";
    own.origin = "deliberate";
    own.affects = {{"I"}};
    auto tc = library_->Add(ctx_, LibraryKind::kThreat, own);
    EXPECT_EQ(tc.id, "TC-1");
    LibraryInput bad;
    bad.name = "x";
    bad.category = "people";
    bad.controls = {{"9.9"}};
    std::vector<ErrorDetail> d;
    EXPECT_EQ(CodeOf([&] { library_->Add(ctx_, LibraryKind::kVulnerability, bad); }, nullptr, &d),
              ErrorCode::kInvalidInput);
    EXPECT_EQ(d[0].field, "controls");

    LibraryInput retire;
    retire.retired = true;
    library_->Edit(ctx_, LibraryKind::kThreat, "T26", retire);
    EXPECT_EQ(library_->List(ctx_, LibraryKind::kThreat).size(), threats.size());  // +TC-1, -T26
    // A risk may name the organisation's own threat.
    RiskInput in = AssetRisk();
    in.threats = {{"TC-1"}};
    EXPECT_EQ(register_->Create(ctx_, in).cia.ToString(), "I");  // from the organisation's own threat
}

TEST_P(RiskRegisterTest, CsvImportWithTreatmentNamesLinesAndIsAllOrNothing) {
    std::string csv =
        "title,owner,assets,threats,vulnerabilities,likelihood,consequence,treatment,controls,residual_likelihood,"
        "residual_consequence\n"
        "Phishing of admins,P-1,AS-1,T01,V01;V06,4,4,modify,8.5;6.3,2,4\n"
        "Portal outage,P-2,AS-2,T21,V08,3,3,retain,,,\n"
        "Bad one,P-3,AS-1,T01,V01,2,x,modify,5.99,1,1\n";
    std::vector<ErrorDetail> d;
    EXPECT_EQ(CodeOf([&] { RisksFromCsv(csv); }, nullptr, &d), ErrorCode::kInvalidInput);
    ASSERT_FALSE(d.empty());
    EXPECT_EQ(d[0].line, 4);
    EXPECT_EQ(d[0].field, "consequence");
    EXPECT_EQ(d[0].column, 7);

    csv.replace(csv.find(",2,x,"), 5, ",2,2,");
    auto items = RisksFromCsv(csv);
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(items[2].line, 4);
    d.clear();
    EXPECT_EQ(CodeOf([&] { register_->CreateMany(ctx_, items); }, nullptr, &d), ErrorCode::kInvalidInput);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].line, 4);
    EXPECT_EQ(d[0].field, "items[2].treatment.controls");
    EXPECT_EQ(Count("risks"), 0);
    // Every problem of a row is reported: a score off the scale does not hide the unknown control; the summary
    // counts them in words that agree.
    items[2].likelihood = 9;
    std::string msg;
    d.clear();
    EXPECT_EQ(CodeOf([&] { register_->CreateMany(ctx_, items); }, &msg, &d), ErrorCode::kInvalidInput);
    std::set<std::string> fields;
    for (const auto& p : d) {
        EXPECT_EQ(p.line, 4) << p.field;
        fields.insert(p.field);
    }
    EXPECT_EQ(fields, (std::set<std::string>{"items[2].likelihood", "items[2].treatment.controls"})) << msg;
    EXPECT_NE(msg.find("nothing was imported: 1 of 3 risks has problems: line 4: "), std::string::npos) << msg;
    EXPECT_NE(msg.find("(and 1 more problem)"), std::string::npos) << msg;
    EXPECT_EQ(Count("risks"), 0);
    items[2].likelihood = 2;

    items[2].treatment->controls = {{"5.17"}};
    auto made = register_->CreateMany(ctx_, items);
    EXPECT_EQ(made[0].treatment->controls, (std::vector<std::string>{"8.5", "6.3"}));
    EXPECT_EQ(made[0].treatment->residual->level, "medium");
    EXPECT_EQ(made[1].status, "treated");  // retained
    EXPECT_EQ(register_->History(ctx_, "R-1").size(), 2u);  // inherent and residual
    EXPECT_EQ(register_->AnnexAUsage(ctx_)["8.5"], (std::vector<std::string>{"R-1"}));
}

TEST_P(RiskRegisterTest, LinkedPersonsAndAssetsCannotBeDeletedUnderARisk) {
    RiskInput in = AssetRisk();
    in.owner = "P-3";  // linked to nothing else
    register_->Create(ctx_, in);
    auto sys = Context::System("org-a");
    std::string msg;
    EXPECT_EQ(CodeOf([&] { records_->service().Delete(sys, "asset", "AS-1"); }, &msg), ErrorCode::kConflict);
    EXPECT_NE(msg.find("R-1"), std::string::npos) << msg;
    EXPECT_EQ(CodeOf([&] { records_->service().Delete(sys, "person", "P-3"); }, &msg), ErrorCode::kConflict);
    EXPECT_NE(msg.find("R-1"), std::string::npos) << msg;
    // AS-2 is not linked: it can go.
    records_->service().Delete(sys, "asset", "AS-2");
}

INSTANTIATE_TEST_SUITE_P(Backends, RiskRegisterTest, ::testing::ValuesIn(store::testing_support::Backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace isms::risk
