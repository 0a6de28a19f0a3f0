#include "tests/integration/harness.hpp"

#include <fcntl.h>
#include <grp.h>
#include <httplib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace isms::integration {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

namespace {

constexpr uid_t kNobody = 65534;

std::string Lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// PATH lookup done before fork (execvp is not async-signal-safe).
std::string ResolveProgram(const std::string& program) {
    if (program.find('/') != std::string::npos) return program;
    const char* path = std::getenv("PATH");
    std::stringstream ss(path ? path : "/usr/local/bin:/usr/bin:/bin");
    std::string dir;
    while (std::getline(ss, dir, ':')) {
        if (dir.empty()) continue;
        auto full = fs::path(dir) / program;
        if (access(full.c_str(), X_OK) == 0) return full.string();
    }
    throw std::runtime_error("program not found on PATH: " + program);
}

std::vector<std::string> ChildEnvironment(const RunOptions& options) {
    std::vector<std::string> env;
    auto overridden = [&](const std::string& entry) {
        std::string name = entry.substr(0, entry.find('='));
        if (name == "ISMS_DB" || name == "ISMS_ORG") return true;
        for (const auto& [k, v] : options.env)
            if (k == name) return true;
        return false;
    };
    for (char** e = environ; *e; ++e)
        if (!overridden(*e)) env.emplace_back(*e);
    for (const auto& [k, v] : options.env) env.push_back(k + "=" + v);
    return env;
}

std::vector<char*> CStrings(std::vector<std::string>& v) {
    std::vector<char*> out;
    for (auto& s : v) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Processes

std::ostream& operator<<(std::ostream& os, const ProcessResult& r) {
    if (r.timed_out) os << "timed out; ";
    if (r.signal)
        os << "killed by signal " << r.signal;
    else
        os << "exit " << r.exit_code;
    return os << "\n--- stdout ---\n" << r.out << "\n--- stderr ---\n" << r.err;
}

std::unique_ptr<ChildProcess> ChildProcess::Spawn(const std::string& program, const std::vector<std::string>& args,
                                                  const RunOptions& options) {
    std::unique_ptr<ChildProcess> child(new ChildProcess());
    char tmpl[] = "/tmp/isms-it-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    child->dir_ = tmpl;
    std::string out_path = child->dir_ + "/stdout", err_path = child->dir_ + "/stderr";
    std::string in_path = "/dev/null";
    if (!options.stdin_data.empty()) {
        in_path = child->dir_ + "/stdin";
        std::ofstream(in_path, std::ios::binary) << options.stdin_data;
    }

    // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
    std::string path = ResolveProgram(program);
    std::vector<std::string> argv_s{program};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<std::string> env_s = ChildEnvironment(options);
    auto argv = CStrings(argv_s);
    auto envp = CStrings(env_s);
    bool drop = options.unprivileged && getuid() == 0;
    const char* cwd = options.cwd.empty() ? nullptr : options.cwd.c_str();

    int report[2];  // the child writes errno here when exec fails; closed on a successful exec
    if (pipe2(report, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(report[0]);
        close(report[1]);
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        close(report[0]);
        auto fail = [&](int step) {
            int e[2] = {step, errno};
            (void)!write(report[1], e, sizeof e);
            _exit(127);
        };
        // Die with the test process, whatever ends it.
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail(1);
        if (getppid() != parent) _exit(127);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        int in = open(in_path.c_str(), O_RDONLY);
        int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || err < 0) fail(2);
        if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) fail(3);
        if (cwd && chdir(cwd) != 0) fail(4);
        if (drop && (setgroups(0, nullptr) != 0 || setgid(kNobody) != 0 || setuid(kNobody) != 0)) fail(5);
        execve(path.c_str(), argv.data(), envp.data());
        fail(6);
    }
    close(report[1]);
    child->pid_ = pid;
    int e[2] = {0, 0};
    ssize_t n;
    do {
        n = read(report[0], e, sizeof e);
    } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n > 0) {
        child->Reap(true);
        static const char* kSteps[] = {"", "prctl", "open stdio", "dup2", "chdir", "drop privileges", "exec"};
        throw std::runtime_error("cannot start " + path + ": " + kSteps[e[0] % 7] + ": " + std::strerror(e[1]));
    }
    return child;
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && !result_) {
        kill(pid_, SIGKILL);
        int st;
        while (waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
        }
    }
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
}

bool ChildProcess::Reap(bool block) {
    if (result_) return true;
    int st = 0;
    pid_t r;
    do {
        r = waitpid(pid_, &st, block ? 0 : WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r != pid_) return false;
    ProcessResult res;
    if (WIFEXITED(st)) {
        res.exit_code = WEXITSTATUS(st);
    } else if (WIFSIGNALED(st)) {
        res.signal = WTERMSIG(st);
    }
    res.out = Stdout();
    res.err = Stderr();
    result_ = res;
    return true;
}

bool ChildProcess::Running() { return !Reap(false); }

void ChildProcess::Signal(int sig) {
    if (Running()) kill(pid_, sig);
}

std::optional<ProcessResult> ChildProcess::Wait(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (!Reap(false)) {
        if (Clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return result_;
}

ProcessResult ChildProcess::Kill() {
    if (!Reap(false)) {
        kill(pid_, SIGKILL);
        Reap(true);
    }
    return *result_;
}

std::string ChildProcess::Stdout() const { return ReadFile(dir_ + "/stdout"); }
std::string ChildProcess::Stderr() const { return ReadFile(dir_ + "/stderr"); }

ProcessResult RunProgram(const std::string& program, const std::vector<std::string>& args, const RunOptions& options) {
    auto child = ChildProcess::Spawn(program, args, options);
    if (auto r = child->Wait(options.timeout)) return *r;
    auto r = child->Kill();
    r.timed_out = true;
    return r;
}

std::string IsmsBinary() {
    if (const char* b = std::getenv("ISMS_BIN"); b && *b) return b;
    return std::string(ISMS_BINARY_DIR) + "/isms";
}

ProcessResult RunIsms(const std::vector<std::string>& args, const RunOptions& options) {
    return RunProgram(IsmsBinary(), args, options);
}

// ---------------------------------------------------------------------------------------------------------
// HTTP

std::string HttpResponse::Header(const std::string& name) const {
    auto it = headers.find(Lower(name));
    return it == headers.end() ? "" : it->second;
}

isms::Json HttpResponse::Json() const {
    try {
        return isms::Json::parse(body);
    } catch (const std::exception& e) {
        throw std::runtime_error("the response is not JSON (" + std::string(e.what()) + "): HTTP " +
                                 std::to_string(status) + " " + body.substr(0, 500));
    }
}

std::ostream& operator<<(std::ostream& os, const HttpResponse& r) {
    if (r.status == 0) return os << "no HTTP response: " << r.error;
    os << "HTTP " << r.status << "\n";
    for (const auto& [k, v] : r.headers) os << k << ": " << v << "\n";
    return os << "\n" << r.body.substr(0, 4000);
}

struct HttpClient::Impl {
    Impl(const std::string& host, int port) : client(host, port) {}
    httplib::Client client;
    std::vector<std::pair<std::string, std::string>> defaults;
};

HttpClient::HttpClient(std::string host, int port) : impl_(std::make_unique<Impl>(host, port)) {
    impl_->client.set_url_encode(false);  // paths and queries are sent exactly as the test wrote them
    impl_->client.set_connection_timeout(10);
    impl_->client.set_read_timeout(60);
    impl_->client.set_write_timeout(60);
}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;

void HttpClient::SetDefaultHeader(const std::string& name, const std::string& value) {
    auto& d = impl_->defaults;
    d.erase(std::remove_if(d.begin(), d.end(), [&](const auto& h) { return Lower(h.first) == Lower(name); }), d.end());
    if (!value.empty()) d.emplace_back(name, value);
}

HttpResponse HttpClient::Send(const std::string& method, const std::string& path, const std::string& body,
                              const std::string& content_type, const Headers& headers) {
    httplib::Request req;
    req.method = method;
    req.path = path;
    for (const auto& [k, v] : impl_->defaults) {
        bool replaced = false;
        for (const auto& h : headers) replaced = replaced || Lower(h.first) == Lower(k);
        if (!replaced) req.headers.emplace(k, v);
    }
    for (const auto& [k, v] : headers) req.headers.emplace(k, v);
    if (!body.empty()) {
        req.body = body;
        if (!req.has_header("Content-Type")) req.headers.emplace("Content-Type", content_type);
    }
    HttpResponse out;
    auto res = impl_->client.send(req);
    if (!res) {
        out.error = httplib::to_string(res.error());
        return out;
    }
    out.status = res->status;
    out.body = res->body;
    for (const auto& [k, v] : res->headers) out.headers.emplace(Lower(k), v);
    return out;
}

HttpResponse HttpClient::Get(const std::string& path, const Headers& headers) {
    return Send("GET", path, "", "", headers);
}
HttpResponse HttpClient::Delete(const std::string& path, const Headers& headers) {
    return Send("DELETE", path, "", "", headers);
}
HttpResponse HttpClient::Post(const std::string& path, const isms::Json& body, const Headers& headers) {
    return Send("POST", path, body.dump(), "application/json", headers);
}
HttpResponse HttpClient::Put(const std::string& path, const isms::Json& body, const Headers& headers) {
    return Send("PUT", path, body.dump(), "application/json", headers);
}
HttpResponse HttpClient::Patch(const std::string& path, const isms::Json& body, const Headers& headers) {
    return Send("PATCH", path, body.dump(), "application/json", headers);
}

std::string UrlEncode(const std::string& s) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------
// Database and server

struct TestStore::Impl {
    std::unique_ptr<store::testing_support::TempDatabase> db;
};

std::unique_ptr<TestStore> TestStore::Create(const std::string& backend) {
    auto db = store::testing_support::TempDatabase::Create(backend);
    if (!db) return nullptr;
    std::unique_ptr<TestStore> s(new TestStore());
    s->backend_ = backend;
    s->impl_ = std::make_unique<Impl>();
    s->impl_->db = std::move(db);
    return s;
}

TestStore::~TestStore() = default;

const std::string& TestStore::url() const { return impl_->db->url(); }

std::string TestStore::sqlite_path() const {
    if (backend_ != "sqlite") return "";
    const std::string& u = url();
    return u.rfind("sqlite:", 0) == 0 ? u.substr(7) : u;
}

ProcessResult TestStore::Isms(const std::vector<std::string>& args, const RunOptions& options) const {
    std::vector<std::string> all{"--db", url()};
    all.insert(all.end(), args.begin(), args.end());
    return RunIsms(all, options);
}

ProcessResult TestStore::Sql(const std::string& sql) const {
    if (backend_ == "sqlite") return RunProgram("sqlite3", {"-bail", sqlite_path(), sql});
    return RunProgram("psql", {"-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url(), "-c", sql});
}

ServerProcess::ServerProcess(std::unique_ptr<ChildProcess> child, int port)
    : child_(std::move(child)), port_(port), http_("127.0.0.1", port) {}

ServerProcess::~ServerProcess() {
    if (child_) child_->Kill();
}

std::unique_ptr<ServerProcess> ServerProcess::Start(const std::string& db_url, const ServerOptions& options) {
    std::vector<std::string> args{"--db", db_url, "serve", "--host", "127.0.0.1", "--port", "0"};
    args.insert(args.end(), options.args.begin(), options.args.end());
    auto child = ChildProcess::Spawn(IsmsBinary(), args, options.run);
    auto deadline = Clock::now() + options.start_timeout;
    static const std::regex kListening(R"(serving .* on https?://[^\s/]+:(\d+)/)");
    int port = 0;
    while (true) {
        if (!child->Running()) {
            auto r = child->Kill();
            std::ostringstream os;
            os << "isms serve ended before it listened: " << r;
            throw std::runtime_error(os.str());
        }
        if (port == 0) {
            std::smatch m;
            std::string out = child->Stdout();
            if (std::regex_search(out, m, kListening)) port = std::stoi(m[1]);
        }
        if (port != 0) {
            HttpClient probe("127.0.0.1", port);
            if (probe.Get("/api/v1/health").status != 0) break;
        }
        if (Clock::now() >= deadline) {
            auto r = child->Kill();
            std::ostringstream os;
            os << "isms serve did not answer /api/v1/health within "
               << std::chrono::duration_cast<std::chrono::seconds>(options.start_timeout).count() << " s: " << r;
            throw std::runtime_error(os.str());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::unique_ptr<ServerProcess>(new ServerProcess(std::move(child), port));
}

std::string ServerProcess::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

HttpClient ServerProcess::NewClient() const { return HttpClient("127.0.0.1", port_); }

ProcessResult ServerProcess::Stop(std::chrono::milliseconds grace) {
    child_->Signal(SIGTERM);
    if (auto r = child_->Wait(grace)) return *r;
    auto r = child_->Kill();
    r.timed_out = true;
    return r;
}

ProcessResult ServerProcess::Kill() { return child_->Kill(); }

std::string ServerProcess::Output() const { return child_->Stdout() + child_->Stderr(); }

void IntegrationTest::SetUp() {
    store_ = TestStore::Create(GetParam());
    if (!store_) GTEST_SKIP() << "backend not available: " << GetParam();
}

void IntegrationTest::TearDown() {
    server_.reset();  // before the database is dropped
    store_.reset();
}

ProcessResult IntegrationTest::Init(const std::string& org_name) {
    auto r = Isms({"init", "--org", org_name});
    if (r.exit_code != 0) ADD_FAILURE() << "isms init failed: " << r;
    return r;
}

ProcessResult IntegrationTest::Demo() {
    auto r = Isms({"demo"});
    if (r.exit_code != 0) ADD_FAILURE() << "isms demo failed: " << r;
    return r;
}

void IntegrationTest::AddAccount(const std::string& username, const std::string& org, const std::string& role,
                                 const std::string& password) {
    auto r = Isms({"--org", org, "user", "add", username, "--role", role, "--password-stdin"},
                  {.stdin_data = password + "\n"});
    if (r.exit_code != 0) ADD_FAILURE() << "isms user add " << username << " failed: " << r;
}

std::string IntegrationTest::CreateToken(const std::string& org, const std::string& role, const std::string& name) {
    auto r = Isms({"--org", org, "--quiet", "token", "create", "--name", name, "--role", role});
    if (r.exit_code != 0) ADD_FAILURE() << "isms token create failed: " << r;
    std::string secret = r.out;
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    return secret;
}

isms::Json SignIn(HttpClient& client, const std::string& username, const std::string& password) {
    auto r = client.Post("/api/v1/auth/login", {{"username", username}, {"password", password}});
    if (r.status != 201) {
        ADD_FAILURE() << "sign-in as " << username << " failed: " << r;
        return nullptr;
    }
    std::string cookie = r.Header("Set-Cookie");
    cookie = cookie.substr(0, cookie.find(';'));
    client.SetDefaultHeader("Cookie", cookie);
    isms::Json body = r.Json();
    client.SetDefaultHeader("X-CSRF-Token", body.value("csrf_token", ""));
    return body;
}

ServerProcess& IntegrationTest::StartServer(const ServerOptions& options) {
    if (!server_) server_ = ServerProcess::Start(store_->url(), options);
    return *server_;
}

std::string BackendName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

}  // namespace isms::integration
