// The harness itself: output capture, exit codes, timeouts, and that no child outlives its owner.
#include "tests/integration/harness.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace isms::integration {
namespace {

// True when `pid` has ended (gone, or a zombie waiting for a reaper that is not us).
bool Ended(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return true;
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

bool EndsWithin(pid_t pid, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!Ended(pid)) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

TEST(HarnessTest, RunCapturesStdoutStderrAndTheExitCode) {
    auto r = RunProgram("sh", {"-c", "echo out; echo err >&2; exit 3"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.signal, 0);
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "err\n");
}

TEST(HarnessTest, RunFeedsStdinAndTheGivenEnvironmentOnly) {
    setenv("ISMS_DB", "/somewhere/a-developer/set.db", 1);
    auto r = RunProgram("sh", {"-c", "cat; echo \"${ISMS_DB-unset} $EXTRA\""},
                        {.env = {{"EXTRA", "given"}}, .stdin_data = "input\n"});
    unsetenv("ISMS_DB");
    EXPECT_EQ(r.exit_code, 0) << r;
    EXPECT_EQ(r.out, "input\nunset given\n");
}

TEST(HarnessTest, RunKillsAChildThatOverrunsItsTimeout) {
    auto start = std::chrono::steady_clock::now();
    auto r = RunProgram("sleep", {"30"}, {.timeout = std::chrono::milliseconds(200)});
    EXPECT_TRUE(r.timed_out);
    EXPECT_EQ(r.signal, SIGKILL);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(HarnessTest, AMissingProgramIsAnErrorNotAHang) {
    EXPECT_THROW(RunProgram("isms-no-such-program", {}), std::runtime_error);
    EXPECT_THROW(RunProgram("/nonexistent/isms", {}), std::runtime_error);
}

TEST(HarnessTest, DestroyingAChildKillsIt) {
    pid_t pid;
    {
        auto child = ChildProcess::Spawn("sleep", {"30"});
        pid = child->pid();
        ASSERT_TRUE(child->Running());
    }
    EXPECT_TRUE(Ended(pid));
}

TEST(HarnessTest, AChildDiesWhenTheTestProcessCrashes) {
    // A stand-in for a test process that crashes while a server runs: it starts a child, reports its pid and
    // dies without running any destructor.
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t test_process = fork();
    ASSERT_GE(test_process, 0);
    if (test_process == 0) {
        close(fds[0]);
        auto child = ChildProcess::Spawn("sleep", {"30"});
        pid_t pid = child->pid();
        (void)!write(fds[1], &pid, sizeof pid);
        _exit(1);  // no destructors: as after a crash
    }
    close(fds[1]);
    pid_t grandchild = 0;
    ASSERT_EQ(read(fds[0], &grandchild, sizeof grandchild), static_cast<ssize_t>(sizeof grandchild));
    close(fds[0]);
    int st;
    waitpid(test_process, &st, 0);
    EXPECT_TRUE(EndsWithin(grandchild, std::chrono::seconds(5))) << "pid " << grandchild << " outlived its parent";
}

TEST(HarnessTest, UnprivilegedRunsAsNobodyWhenRoot) {
    auto r = RunProgram("id", {"-u"}, {.unprivileged = true});
    ASSERT_EQ(r.exit_code, 0) << r;
    EXPECT_EQ(r.out, (getuid() == 0 ? std::string("65534") : std::to_string(getuid())) + "\n");
}

TEST(HarnessTest, RunsTheIsmsBinaryOfThisBuild) {
    auto r = RunIsms({"--version"});
    EXPECT_EQ(r.exit_code, 0) << r;
    EXPECT_NE(r.out.find("isms "), std::string::npos) << r;
}

TEST(HarnessTest, UrlEncodeKeepsUnreservedCharactersOnly) {
    EXPECT_EQ(UrlEncode("control_type=Detective and id~a.b"), "control_type%3DDetective%20and%20id~a.b");
}

class ServerHarnessTest : public IntegrationTest {};

TEST_P(ServerHarnessTest, StopEndsTheServerCleanlyAndKillLeavesNothingRunning) {
    Init();
    auto& server = StartServer();
    EXPECT_GT(server.port(), 0);
    pid_t pid = server.process().pid();
    auto stopped = server.Stop();
    EXPECT_EQ(stopped.exit_code, 0) << stopped;
    EXPECT_FALSE(stopped.timed_out);
    EXPECT_NE(stopped.out.find("isms stopped"), std::string::npos) << stopped;
    EXPECT_TRUE(Ended(pid));
    EXPECT_EQ(server.http().Get("/api/v1/health").status, 0) << "nothing answers after Stop()";

    StopServer();
    auto& again = StartServer();
    pid = again.process().pid();
    auto killed = again.Kill();
    EXPECT_EQ(killed.signal, SIGKILL);
    EXPECT_TRUE(Ended(pid));
}

TEST_P(ServerHarnessTest, AServerThatCannotStartIsReportedWithItsOutput) {
    // No `init`: the database does not exist (SQLite) or has no schema (PostgreSQL).
    try {
        StartServer();
        FAIL() << "the server started over an uninitialised database";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("ended before it listened"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("error:"), std::string::npos) << e.what();
    }
}

ISMS_INSTANTIATE_BACKENDS(ServerHarnessTest);

}  // namespace
}  // namespace isms::integration
