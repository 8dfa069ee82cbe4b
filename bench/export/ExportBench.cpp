// The CSV export over the 1,000,000 cases of the cases-list benchmark
// (bench/sync/CaseListBench), end to end: the real host and module in this
// process, a signed-in seller, and the two exports a seller can ask for,
// "Exportar CSV" of the disputes' tab (its default view and order) and of the
// Lost & Found list ("Todos os casos"), which together hold every case of
// the account, each read over HTTP as it streams, in both dialects.
//
//   sac_bench_export --db=sqlite:PATH | --db=mysql://.../DATABASE (a server URL without one:
//       sac_bench_cases, the cases list's kept database)
//       [--cases=1000000] [--payload-bytes=2900] [--formats=csv,excel]
//       [--target-rows-per-s=100000] [--rss-limit-bytes=100000000] [--warm-up=1]
//
// Each export is read once untimed first (--warm-up=0: not), its figures printed
// without a target: after the fill the cases come from disk, not from the
// database's cache, as they would not on a server that has been serving them.
//
// Targets: every format's exports >= 100,000 rows/s together, and the
// process's peak RSS (host, module, database client and the HTTP client
// reading) < 100 MB. The data is filled (when short) by a child process, so
// that the fill's memory is not counted. Prints one line per export and
// PASS/FAIL lines; exits non-zero only when something broke (a wrong row
// count or an error), a missed target being a figure.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <Poco/Util/MapConfiguration.h>

#include "../sync/BenchSupport.h"
#include "../sync/CaseListBench.h"
#include "sac/host/AdminCommands.h"
#include "sac/host/Host.h"
#include "sac/host/HostConfig.h"
#include "sac/host/PasswordHasher.h"
#include "sac/sql/Database.h"
#include "sac/sql/DatabaseUrl.h"

namespace {

using namespace sac::bench;

constexpr const char* kLogin = "bench.export";
constexpr const char* kPassword = "bench-export-password";

/// Fills the data set in a child process, so that this process's peak RSS
/// is the export's alone. Returns the account's case count.
std::int64_t fillInChild(const std::string& url, std::int64_t cases, int payloadBytes) {
    std::fflush(stdout);
    int pipeFd[2];
    if (pipe(pipeFd) != 0) throw std::runtime_error("pipe() failed");
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork() failed");
    if (pid == 0) {
        close(pipeFd[0]);
        std::int64_t have = -1;
        try {
            have = ensureCaseListData(url, cases, payloadBytes);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "sac_bench_export: filling the cases failed: %s\n", e.what());
        }
        std::fflush(stdout);
        if (write(pipeFd[1], &have, sizeof have) != static_cast<ssize_t>(sizeof have)) _exit(2);
        _exit(have < 0 ? 1 : 0);
    }
    close(pipeFd[1]);
    std::int64_t have = -1;
    const bool read = ::read(pipeFd[0], &have, sizeof have) == static_cast<ssize_t>(sizeof have);
    close(pipeFd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!read || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || have < 0)
        throw std::runtime_error("the child process filling the cases failed");
    return have;
}

/// Account kCaseListAccount with a seller who signs in over HTTP.
void ensureSeller(sac::host::Host& host) {
    auto conn = host.database().acquire();
    sac::host::AdminCommands admin(host.database(), host.clock(), sac::host::PasswordHasher(1000));
    std::string account;
    if (auto row = conn->queryOne("SELECT name FROM accounts WHERE id = ?", {kCaseListAccount})) {
        account = row->getString(0);
    } else {
        account = "Bench cases";
        const std::int64_t id = admin.createAccount(account);
        if (id != kCaseListAccount)
            throw std::runtime_error("expected the bench account to get id " + std::to_string(kCaseListAccount) +
                                     ", got " + std::to_string(id) + ": use a database of the bench alone");
    }
    if (!conn->queryOne("SELECT id FROM users WHERE login = ?", {std::string(kLogin)}))
        admin.createUser({kLogin, account, "seller", "bench.export@bench.example", "Bench", kPassword});
}

/// A signed-in HTTP client of the host.
class Client {
public:
    explicit Client(std::uint16_t port) : _port(port) {}

    void login() {
        Poco::Net::HTTPClientSession s("127.0.0.1", _port);
        Poco::Net::HTTPRequest get(Poco::Net::HTTPRequest::HTTP_GET, "/login", Poco::Net::HTTPMessage::HTTP_1_1);
        s.sendRequest(get);
        Poco::Net::HTTPResponse page;
        std::string html;
        Poco::StreamCopier::copyToString(s.receiveResponse(page), html);
        const std::string csrfCookie = cookie(page, "sac_login_csrf");
        const std::string marker = "name=\"_csrf\" value=\"";
        const auto at = html.find(marker);
        if (at == std::string::npos) throw std::runtime_error("no login form token");
        const std::string token = html.substr(at + marker.size(), 64);
        Poco::Net::HTTPRequest post(Poco::Net::HTTPRequest::HTTP_POST, "/login", Poco::Net::HTTPMessage::HTTP_1_1);
        post.set("Cookie", "sac_login_csrf=" + csrfCookie);
        const std::string body = "_csrf=" + token + "&login=" + kLogin + "&password=" + kPassword + "&next=%2F";
        post.setContentType("application/x-www-form-urlencoded");
        post.setContentLength64(static_cast<Poco::Int64>(body.size()));
        s.sendRequest(post) << body;
        Poco::Net::HTTPResponse answer;
        std::string ignored;
        Poco::StreamCopier::copyToString(s.receiveResponse(answer), ignored);
        _session = cookie(answer, "sac_session");
        if (answer.getStatus() != Poco::Net::HTTPResponse::HTTP_SEE_OTHER || _session.empty())
            throw std::runtime_error("the bench seller could not sign in (HTTP " +
                                     std::to_string(static_cast<int>(answer.getStatus())) + ")");
    }

    struct Read {
        int status = 0;
        std::string contentType;
        bool chunked = false;
        std::int64_t bytes = 0;
        std::int64_t lines = 0; ///< CRLF-ended lines, the header included
        double seconds = 0;
    };

    /// GETs path and reads the answer as it comes, counting its lines.
    Read get(const std::string& path) {
        Poco::Net::HTTPClientSession s("127.0.0.1", _port);
        s.setTimeout(Poco::Timespan(120, 0));
        Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
        req.set("Cookie", "sac_session=" + _session);
        const auto t0 = Clock::now();
        s.sendRequest(req);
        Poco::Net::HTTPResponse resp;
        std::istream& in = s.receiveResponse(resp);
        Read r;
        r.status = static_cast<int>(resp.getStatus());
        r.contentType = resp.getContentType();
        r.chunked = resp.getChunkedTransferEncoding();
        std::vector<char> buf(1 << 16);
        char previous = 0;
        while (in) {
            in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
            const auto n = in.gcount();
            if (n <= 0) break;
            r.bytes += n;
            for (std::streamsize i = 0; i < n; ++i) {
                if (buf[static_cast<std::size_t>(i)] == '\n' && previous == '\r') ++r.lines;
                previous = buf[static_cast<std::size_t>(i)];
            }
        }
        r.seconds = seconds(t0, Clock::now());
        return r;
    }

private:
    static std::string cookie(const Poco::Net::HTTPResponse& r, const std::string& name) {
        std::vector<Poco::Net::HTTPCookie> cookies;
        r.getCookies(cookies);
        for (const auto& c : cookies)
            if (c.getName() == name) return c.getValue();
        return {};
    }

    std::uint16_t _port;
    std::string _session;
};

/// CPU time of the calling thread (user + system), seconds.
double threadCpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_THREAD, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string withCommas(std::int64_t n) {
    std::string s = std::to_string(n);
    for (int at = static_cast<int>(s.size()) - 3; at > 0; at -= 3) s.insert(static_cast<std::size_t>(at), 1, ',');
    return s;
}

} // namespace

int main(int argc, char** argv) {
    try {
        std::string url = arg(argc, argv, "db", "sqlite:/tmp/sac-bench-export.db");
        {
            // A MariaDB server without a database: the cases list's kept one.
            auto parsed = sac::sql::DatabaseUrl::parse(url);
            if (parsed.dialect == sac::sql::Dialect::MySQL && parsed.database.empty()) {
                parsed.database = "sac_bench_cases";
                url = parsed.toString();
            }
        }
        const std::int64_t cases = std::stoll(arg(argc, argv, "cases", "1000000"));
        const int payloadBytes = std::stoi(arg(argc, argv, "payload-bytes", "2900"));
        const double target = std::stod(arg(argc, argv, "target-rows-per-s", "100000"));
        const std::int64_t rssLimit = std::stoll(arg(argc, argv, "rss-limit-bytes", "100000000"));
        const bool warmUp = arg(argc, argv, "warm-up", "1") != "0";
        std::vector<std::string> formats;
        {
            std::stringstream in(arg(argc, argv, "formats", "csv,excel"));
            for (std::string f; std::getline(in, f, ',');)
                if (f == "csv" || f == "excel") formats.push_back(f);
                else throw std::invalid_argument("expected --formats among csv, excel; got \"" + f + "\"");
        }
        const bool sqlite = url.rfind("sqlite:", 0) == 0;
        std::printf("database: %s; %s\n", sqlite ? url.c_str() : sac::sql::DatabaseUrl::redact(url).c_str(),
                    machineLoad().c_str());

        const std::int64_t total = fillInChild(url, cases, payloadBytes);
        std::printf("cases of the account: %s\n", withCommas(total).c_str());
        std::fflush(stdout);

        // The host and the module, as sac-host runs them, on the bench's database.
        const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                          ("sac-bench-export-" + std::to_string(getpid()));
        std::filesystem::create_directories(dir);
        Poco::AutoPtr<Poco::Util::MapConfiguration> settings(new Poco::Util::MapConfiguration);
        settings->setString("host.listen", "127.0.0.1:0");
        settings->setString("host.modules", SAC_MODULES_DIR);
        settings->setString("host.database", url);
        settings->setString("host.data_dir", dir.string());
        settings->setString("host.pbkdf2_iterations", "1000");
        settings->setString("modules.sac.key_file", (dir / "sac.key").string());
        settings->setString("modules.sac.key_env", "SAC_BENCH_EXPORT_NO_KEY");
        Poco::AutoPtr<Poco::ConsoleChannel> console(new Poco::ConsoleChannel);
        Poco::Logger& logger = Poco::Logger::get("bench.export.host");
        logger.setChannel(console);
        logger.setLevel(Poco::Message::PRIO_WARNING);
        Poco::Logger::get("sac.module").setLevel(Poco::Message::PRIO_WARNING);
        sac::host::Host host(sac::host::HostConfig::fromConfiguration(*settings), settings, logger);
        host.start();
        if (host.loadedModules() != std::vector<std::string>{"sac"})
            throw std::runtime_error("expected the module sac to load from " + std::string(SAC_MODULES_DIR));
        ensureSeller(host);
        Client client(host.port());
        client.login();
        const std::int64_t rssBefore = peakRssBytes();

        struct Export {
            const char* label;
            std::string path;
        };
        const std::vector<Export> exports = {{"disputes tab", "/sac/export"},
                                             {"Lost & Found, every case", "/sac/lost-found/export?status=all"}};
        bool broken = false;
        struct Taken {
            std::int64_t rows = 0;
            double seconds = 0;
        };
        // One export read whole over HTTP, its line printed.
        const auto runExport = [&](const std::string& format, const Export& e, const char* prefix) {
            // Appended piece by piece: a concatenation here trips GCC 12's -Wrestrict false positive at -O3.
            std::string path = e.path;
            if (format == "excel") {
                path += e.path.find('?') == std::string::npos ? '?' : '&';
                path += "format=excel";
            }
            const double cpu0 = processCpuSeconds();
            const double client0 = threadCpuSeconds();
            const auto r = client.get(path);
            const double clientCpu = threadCpuSeconds() - client0;
            const double serverCpu = processCpuSeconds() - cpu0 - clientCpu;
            const std::int64_t dataRows = r.lines - 1;
            // The CPU time the host and module spent (the process's, less the reading client's
            // thread): the rate they would reach on a core of their own, whatever else the
            // machine runs, is rows / that time.
            std::printf("%s %-26s %-5s: %10s rows, %7.1f MB in %6.2f s = %9s rows/s; server CPU %.2f s "
                        "(%s rows per CPU second), client CPU %.2f s (HTTP %d%s)\n",
                        prefix, e.label, format.c_str(), withCommas(dataRows).c_str(),
                        static_cast<double>(r.bytes) / 1e6, r.seconds,
                        withCommas(static_cast<std::int64_t>(static_cast<double>(dataRows) / r.seconds)).c_str(),
                        serverCpu,
                        withCommas(static_cast<std::int64_t>(static_cast<double>(dataRows) / std::max(serverCpu, 1e-6)))
                            .c_str(),
                        clientCpu, r.status, r.chunked ? ", chunked" : ", not streamed");
            std::fflush(stdout);
            if (r.status != 200 || r.contentType.rfind("text/csv", 0) != 0) broken = true;
            return Taken{dataRows, r.seconds};
        };
        if (warmUp) {
            // After the fill (or a restart) the cases come from disk, not from the database's
            // cache: a figure of its own, without a target, as a server that has been serving
            // these pages would not see it.
            std::printf("warm-up (the first reading of the cases, caches cold; no target):\n");
            for (const auto& e : exports) runExport(formats.front(), e, "  warm-up");
        }
        for (const auto& format : formats) {
            std::int64_t rows = 0;
            double secondsTaken = 0;
            for (const auto& e : exports) {
                const Taken t = runExport(format, e, "export");
                rows += t.rows;
                secondsTaken += t.seconds;
            }
            const double rate = static_cast<double>(rows) / secondsTaken;
            std::printf("export of every case (%s): %s rows in %.2f s = %s rows/s (target >= %s)  %s\n", format.c_str(),
                        withCommas(rows).c_str(), secondsTaken, withCommas(static_cast<std::int64_t>(rate)).c_str(),
                        withCommas(static_cast<std::int64_t>(target)).c_str(), verdict(rate >= target && rows == total));
            if (rows != total) {
                std::printf("    expected %s rows (the account's cases), got %s\n", withCommas(total).c_str(),
                            withCommas(rows).c_str());
                broken = true;
            }
        }
        const std::int64_t rss = peakRssBytes();
        std::printf("export peak RSS (host, module, client): %.1f MB, %.1f MB before the exports (limit %.0f MB)  %s\n",
                    static_cast<double>(rss) / 1e6, static_cast<double>(rssBefore) / 1e6,
                    static_cast<double>(rssLimit) / 1e6, verdict(rss < rssLimit));
        host.stop();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
        std::printf("%s: %d target(s) missed\n", failures() ? "FAIL" : "PASS", failures());
        return broken ? 1 : 0;
    } catch (const std::exception& e) {
        std::cerr << "sac_bench_export: " << e.what() << "\n";
        return 1;
    }
}
