#include "HostTestSupport.h"

#include "sac/host/AdminCommands.h"
#include "sac/host/UserRepository.h"

#include <Poco/Message.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <sstream>

namespace sac::host::test {

void CaptureChannel::log(const Poco::Message& msg) {
    std::lock_guard lock(_mutex);
    _lines.push_back(msg.getText());
}

std::vector<std::string> CaptureChannel::lines() const {
    std::lock_guard lock(_mutex);
    return _lines;
}

std::size_t CaptureChannel::count(const std::string& needle) const {
    std::lock_guard lock(_mutex);
    return static_cast<std::size_t>(std::count_if(_lines.begin(), _lines.end(), [&](const std::string& l) {
        return l.find(needle) != std::string::npos;
    }));
}

std::string CaptureChannel::joined() const {
    std::string out;
    for (const auto& l : lines()) out += l + "\n";
    return out;
}

std::string HttpResponse::header(const std::string& lowerName) const {
    auto it = headers.find(lowerName);
    return it == headers.end() ? std::string() : it->second;
}

std::vector<std::string> HttpResponse::setCookies() const {
    std::vector<std::string> out;
    auto range = headers.equal_range("set-cookie");
    for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
    return out;
}

HttpResponse HttpClient::request(const std::string& method, const std::string& path, const std::string& body,
                                 const std::string& contentType, const std::map<std::string, std::string>& headers) {
    Poco::Net::HTTPClientSession session("127.0.0.1", _port);
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!cookies.empty()) {
        std::string c;
        for (const auto& [k, v] : cookies) c += (c.empty() ? "" : "; ") + k + "=" + v;
        req.set("Cookie", c);
    }
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
        req.setContentType(contentType);
        req.setContentLength64(static_cast<Poco::Int64>(body.size()));
        session.sendRequest(req) << body;
    } else {
        session.sendRequest(req);
    }
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    HttpResponse out;
    out.status = static_cast<int>(resp.getStatus());
    Poco::StreamCopier::copyToString(in, out.body);
    for (const auto& [k, v] : resp) {
        std::string lower = k;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
        out.headers.emplace(lower, v);
    }
    for (const auto& sc : out.setCookies()) {
        auto eq = sc.find('=');
        auto semi = sc.find(';');
        std::string name = sc.substr(0, eq);
        std::string value = sc.substr(eq + 1, semi == std::string::npos ? std::string::npos : semi - eq - 1);
        if (value.empty() || sc.find("Max-Age=0") != std::string::npos) cookies.erase(name);
        else cookies[name] = value;
    }
    return out;
}

std::string csrfFromHtml(const std::string& html) {
    const std::string marker = "name=\"_csrf\" value=\"";
    auto pos = html.find(marker);
    if (pos == std::string::npos) return {};
    pos += marker.size();
    return html.substr(pos, html.find('"', pos) - pos);
}

std::string formEncode(const std::string& value) {
    std::string out;
    Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", out);
    return out;
}

HttpResponse HttpClient::login(const std::string& user, const std::string& password, const std::string& next) {
    auto page = get("/login");
    std::string token = csrfFromHtml(page.body);
    return post("/login", "_csrf=" + token + "&login=" + formEncode(user) + "&password=" + formEncode(password) +
                              "&next=" + formEncode(next));
}

std::string HttpClient::csrfToken() { return csrfFromHtml(get("/").body); }

namespace {
std::atomic<int> g_hostCounter{0};
}

HostUnderTest::HostUnderTest(std::string modulesDir, std::map<std::string, std::string> extraConfig,
                             std::string databaseUrl)
    : _dir("sac-host-test-"), _settings(new Poco::Util::MapConfiguration), _capture(new CaptureChannel) {
    _settings->setString("host.listen", "127.0.0.1:0");
    _settings->setString("host.modules", modulesDir);
    _settings->setString("host.data_dir", _dir.path());
    _settings->setString("host.pbkdf2_iterations", "1000");
    _settings->setString("modules.good.gateway", "https://configured.example");
    if (!databaseUrl.empty()) _settings->setString("host.database", databaseUrl);
    for (const auto& [k, v] : extraConfig) _settings->setString(k, v);
    _config = HostConfig::fromConfiguration(*_settings);

    const std::string name = "test.host." + std::to_string(++g_hostCounter);
    _logger = &Poco::Logger::get(name);
    _logger->setChannel(_capture);
    _logger->setLevel(Poco::Message::PRIO_INFORMATION);
    Poco::Logger::get("sac.module");
    Poco::Logger::setChannel("sac.module", _capture);
    Poco::Logger::setLevel("sac.module", Poco::Message::PRIO_INFORMATION);
    build();
}

HostUnderTest::~HostUnderTest() {
    if (_host) _host->stop();
    _host.reset();
}

void HostUnderTest::build() { _host = std::make_unique<Host>(_config, _settings, *_logger); }

void HostUnderTest::start() { _host->start(); }

void HostUnderTest::stop() { _host->stop(); }

void HostUnderTest::restart() {
    _host->stop();
    _host.reset();
    build();
    _host->start();
}

void HostUnderTest::addUsers() {
    AdminCommands admin(_host->database(), _host->clock(), PasswordHasher(1000));
    admin.createAccount("Acme");
    admin.createUser({"ana", "Acme", "admin", "ana@acme.test", "Ana Admin", kPassword});
    admin.createUser({"sel", "Acme", "seller", "sel@acme.test", "Sel Seller", kPassword});
    auto oldId = admin.createUser({"old", "Acme", "seller", "old@acme.test", "Old Seller", kPassword});
    UserRepository(_host->database()).setActive(oldId, false);
}

ModulesSubset::ModulesSubset(const std::vector<std::string>& names) : _dir("sac-modules-") {
    for (const auto& n : names) link(n, n);
}

void ModulesSubset::link(const std::string& linkName, const std::string& target) {
    std::filesystem::create_directory_symlink(std::filesystem::path(SAC_TM_ROOT) / target,
                                              std::filesystem::path(_dir.path()) / linkName);
}

} // namespace sac::host::test
