// Test support for the evaluation module: a fresh store on one backend with the reference data (controls,
// clauses), the record engine with the evaluation rules, risk, SoA and the evaluation services — wired as the
// application wires them — and one organisation with a few persons and roles.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "isms/catalog/catalog.hpp"
#include "isms/catalog/reference_data.hpp"
#include "isms/core/error.hpp"
#include "isms/core/time.hpp"
#include "isms/evaluation/audits.hpp"
#include "isms/evaluation/metrics.hpp"
#include "isms/evaluation/readiness.hpp"
#include "isms/evaluation/review.hpp"
#include "isms/evaluation/rules.hpp"
#include "isms/risk/records_directory.hpp"
#include "isms/store/test_support.hpp"

namespace isms::evaluation::testing_support {

class EvaluationTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        db_ = store::testing_support::TempDatabase::Create(GetParam());
        if (!db_) GTEST_SKIP() << "backend not available: " << GetParam();
        store_ = store::Store::Open(db_->url(), {.create = true, .pool_size = 3});
        store_->Migrate();
        catalog::EnsureReferenceData(*store_);
        types_ = std::make_unique<records::TypeRegistry>(records::TypeRegistry::Builtin());
        AddEvaluationRules(*types_);
        records_ = std::make_unique<records::RecordService>(*store_, *types_);
        catalog_ = std::make_unique<catalog::CatalogService>(*store_);
        directory_ = std::make_unique<risk::RecordsDirectory>(*records_);
        criteria_ = std::make_unique<risk::RiskCriteriaService>(*store_);
        library_ = std::make_unique<risk::RiskLibrary>(*store_, *catalog_);
        risks_ = std::make_unique<risk::RiskRegister>(*store_, *criteria_, *library_, *catalog_, *directory_);
        soa_ = std::make_unique<soa::StatementOfApplicability>(*store_, *catalog_, *directory_);
        metrics_ = std::make_unique<MetricService>(*store_, *records_);
        audits_ = std::make_unique<AuditService>(*store_, *records_, *soa_, *risks_);
        reviews_ = std::make_unique<ManagementReviewService>(*store_, *records_, *risks_, *soa_);
        readiness_ = std::make_unique<ReadinessService>(*store_, *risks_, *soa_);
        store_->Write(Context::System(), [](store::WriteTx& tx) {
            tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES ('o1', 'acme', 'Acme AB', 'now')");
            tx.Exec("INSERT INTO organisations (id, slug, name, created_at) VALUES ('o2', 'other', 'Other AB', 'now')");
        });
        ctx_.org_id = "o1";
        ctx_.actor = "user:manager";
        ctx_.role = Role::kIsmsManager;
        // Persons: PER-1 the CISO (risk and monitoring role), PER-2 an auditor without roles, PER-3 an engineer.
        Add("role", {{"name", "Information security manager"},
                     {"responsibilities", "Runs the ISMS."},
                     {"responsible_for", {"risk_assessment", "monitoring_measurement"}},
                     {"accountable_for", {"statement_of_applicability"}}});
        records_->Transition(ctx_, "role", "ROL-1", "approve");
        Add("person", {{"name", "Anna CISO"}, {"email", "anna@acme.se"}, {"roles", {"ROL-1"}}});
        Add("person", {{"name", "Nils Auditor"}, {"email", "nils@acme.se"}});
        Add("person", {{"name", "Oskar Engineer"}, {"email", "oskar@acme.se"}});
    }

    std::string Add(const std::string& type, Json data) { return records_->Create(ctx_, type, std::move(data)).id; }
    void Move(const std::string& type, const std::string& id, std::initializer_list<const char*> transitions) {
        for (const char* t : transitions) records_->Transition(ctx_, type, id, t);
    }
    void Edit(const std::string& type, const std::string& id, Json patch) { records_->Update(ctx_, type, id, patch); }

    std::string Day(int days) const {
        return time::FormatDate(*time::ParseDate(time::Today()) + std::chrono::days{days});
    }

    std::string Metric(Json extra = Json::object()) {
        Json d = {{"name", "Patch latency"}, {"measured_item", "Days to patch"}, {"method", "Tracker export"},
                  {"unit", "%"},             {"target", 95},                     {"warning", 90},
                  {"min_value", 0},          {"max_value", 100},                 {"measured_by", "PER-3"},
                  {"analysed_by", "PER-1"}};
        for (auto it = extra.begin(); it != extra.end(); ++it) d[it.key()] = it.value();
        std::string id = Add("metric", d);
        Move("metric", id, {"activate"});
        return id;
    }

    // An audit of clause 9 with the given team, started today.
    std::string Audit(Json extra = Json::object()) {
        Json d = {{"title", "Audit of clause 9"}, {"scope", "The ISMS"},     {"clauses", {"9"}},
                  {"lead_auditor", "PER-2"},      {"auditees", {"PER-3"}}, {"planned_start", Day(-2)},
                  {"planned_end", Day(5)},        {"actual_start", Day(-1)}};
        for (auto it = extra.begin(); it != extra.end(); ++it) d[it.key()] = it.value();
        return Add("audit", d);
    }

    // The problem of `f`'s isms::Error for `field`, "" when none.
    static std::string Problem(const Error& e, const std::string& field) {
        for (const auto& d : e.details())
            if (d.field == field) return d.message;
        return "";
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
    std::unique_ptr<records::TypeRegistry> types_;
    std::unique_ptr<records::RecordService> records_;
    std::unique_ptr<catalog::CatalogService> catalog_;
    std::unique_ptr<risk::RecordsDirectory> directory_;
    std::unique_ptr<risk::RiskCriteriaService> criteria_;
    std::unique_ptr<risk::RiskLibrary> library_;
    std::unique_ptr<risk::RiskRegister> risks_;
    std::unique_ptr<soa::StatementOfApplicability> soa_;
    std::unique_ptr<MetricService> metrics_;
    std::unique_ptr<AuditService> audits_;
    std::unique_ptr<ManagementReviewService> reviews_;
    std::unique_ptr<ReadinessService> readiness_;
    Context ctx_;
};

}  // namespace isms::evaluation::testing_support

#define ISMS_INSTANTIATE_EVALUATION(Suite)                                                                      \
    INSTANTIATE_TEST_SUITE_P(Backends, Suite, ::testing::ValuesIn(::isms::store::testing_support::Backends()), \
                             [](const auto& info) { return info.param; })
