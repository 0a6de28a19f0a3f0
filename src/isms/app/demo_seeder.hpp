// The demo's record seeder (internal to src/isms/app): creates and moves records through the record service as
// the demo's people would, with dates relative to today.
#pragma once

#include <chrono>
#include <initializer_list>
#include <string>

#include "isms/app/app.hpp"
#include "isms/core/time.hpp"

namespace isms::app {

class RecordSeeder {
public:
    RecordSeeder(App& app, const std::string& org_id) : svc_(app.records()) {
        ctx_ = Context::System(org_id);
        ctx_.actor = "user:anna";
        today_ = *time::ParseDate(time::Today());
    }

    // A date `days` from today.
    std::string Day(int days) const { return time::FormatDate(today_ + std::chrono::days{days}); }

    std::string Add(const std::string& type, Json data) { return svc_.Create(ctx_, type, std::move(data)).id; }

    // Each transition made by whom the schema says makes it (a document's approver approves it), else by the
    // current actor.
    void Move(const std::string& type, const std::string& id, std::initializer_list<const char*> transitions) {
        for (const char* t : transitions) {
            Context by = ctx_;
            auto accounts = svc_.TransitionAccounts(ctx_, svc_.Get(ctx_, type, id));
            if (auto it = accounts.find(t); it != accounts.end()) by.actor = "user:" + it->second;
            svc_.Transition(by, type, id, t);
        }
    }

    void Edit(const std::string& type, const std::string& id, Json patch) { svc_.Update(ctx_, type, id, patch); }

    void Ack(const std::string& type, const std::string& id, std::initializer_list<const char*> persons) {
        for (const char* p : persons) svc_.Acknowledge(ctx_, type, id, p);
    }

    // Acts as another person (approvals by top management).
    void As(const std::string& actor) { ctx_.actor = actor; }
    // The acting context, for other services.
    const Context& ctx() const { return ctx_; }
    // The last day of the month `months_back` months before the current one (1 = last month).
    std::string MonthEnd(int months_back) const {
        auto ymd = std::chrono::year_month_day(today_);
        auto first = std::chrono::year_month_day(ymd.year(), ymd.month(), std::chrono::day(1));
        auto month = std::chrono::year_month(first.year(), first.month()) - std::chrono::months(months_back - 1);
        auto last = std::chrono::sys_days(std::chrono::year_month_day(month.year(), month.month(), std::chrono::day(1))) -
                    std::chrono::days(1);
        return time::FormatDate(last);
    }

private:
    records::RecordService& svc_;
    Context ctx_;
    std::chrono::sys_days today_;
};

}  // namespace isms::app
