#include "sac/sim/AmazonGateway.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "sac/sim/AmazonTime.h"
#include "sac/sim/IopSignature.h"
#include "sac/sim/JsonWriter.h"

namespace sac::sim {
namespace {

constexpr std::int64_t kDayMs = 86'400'000LL;
constexpr const char* kReportsPrefix = "/reports/2021-06-30/";
constexpr const char* kDocumentsPath = "/_sim/amazon/documents/";
constexpr const char* kFinancesPrefix = "/finances/";
constexpr const char* kInboundPrefix = "/fba/inbound/";

SimResponse json(int status, std::string body) {
  SimResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

SimResponse controlError(int status, const std::string& message) {
  return json(status, "{\"error\":" + JsonWriter::quote(message) + "}");
}

std::string xmlEscape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

SimResponse s3Error(int status, const std::string& code, const std::string& message,
                    const std::string& extra, const std::string& request_id) {
  SimResponse r;
  r.status = status;
  r.content_type = "application/xml";
  r.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" +
           xmlEscape(message) + "</Message>" + extra + "<RequestId>" + request_id +
           "</RequestId><HostId>sac-sim</HostId></Error>";
  return r;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string param(const SimRequest& r, const char* name) {
  const auto it = r.params.find(name);
  return it == r.params.end() ? std::string() : it->second;
}

std::string htmlEscape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string urlEncode(const std::string& s) {
  std::string out;
  Poco::URI::encode(s, "!#$&'()*+,/:;=?@[]", out);
  return out;
}

bool httpUrl(const std::string& s) {
  return (s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0) && s.size() <= 2048 &&
         s.find_first_of(" \t\r\n\"<>") == std::string::npos;
}

SimResponse consentError(const std::string& code, const std::string& problem) {
  SimResponse r;
  r.status = 400;
  r.content_type = "text/html;charset=UTF-8";
  r.body = "<!DOCTYPE html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\"><title>Erro de "
           "autorização</title></head><body><h1>Não foi possível autorizar o aplicativo</h1>"
           "<p>Código do erro: <strong id=\"error-code\">" + htmlEscape(code) +
           "</strong></p><p id=\"error\">" + htmlEscape(problem) + "</p></body></html>";
  return r;
}

}  // namespace

AmazonGateway::AmazonGateway(const SimConfig& config, SimClock& clock)
    : config_(config),
      clock_(clock),
      anchor_ms_(config.anchor_ms != 0 ? config.anchor_ms : clock.nowMs() / kDayMs * kDayMs),
      market_(AmazonMarketplace::byId(config.amazon.marketplace_id)
                  .value_or(AmazonMarketplace{config.amazon.marketplace_id, "US", "USD", true})),
      data_(std::make_unique<AmazonDataSet>(config.seed, config.amazon.skus, anchor_ms_)),
      finances_(std::make_unique<AmazonFinances>(*data_, market_)),
      inbound_(std::make_unique<AmazonInbound>(*data_, market_)),
      lwa_(config.amazon.clients, config.amazon.access_token_ttl_s, config.seed, clock,
           config.amazon.authorization_code_ttl_s),
      usage_(config.amazon.rate_multiplier),
      url_key_("sac-sim-s3-" + std::to_string(config.seed)),
      base_url_("http://" + config.host + ":" + std::to_string(config.port)) {}

bool AmazonGateway::owns(const std::string& path) {
  return path.rfind("/apps/authorize/", 0) == 0 || path.rfind("/auth/o2/", 0) == 0 ||
         path.rfind("/reports/", 0) == 0 ||
         path.rfind(kFinancesPrefix, 0) == 0 || path.rfind(kInboundPrefix, 0) == 0 ||
         path.rfind("/_sim/amazon/", 0) == 0;
}

void AmazonGateway::setBaseUrl(std::string base_url) {
  std::lock_guard lock(mu_);
  base_url_ = std::move(base_url);
}

void AmazonGateway::reset() {
  lwa_.reset();
  faults_.clear();
  usage_.reset();
  std::lock_guard lock(mu_);
  report_order_.clear();
  reports_.clear();
  documents_.clear();
  calls_.clear();
  errors_.clear();
}

std::string AmazonGateway::newRequestId() {
  const std::uint64_t n = ++request_counter_;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%08llx-5a5c-4e1d-9a7b-%012llx",
                static_cast<unsigned long long>(config_.seed & 0xffffffffULL),
                static_cast<unsigned long long>(n));
  return buf;
}

void AmazonGateway::count(const std::string& name) {
  std::lock_guard lock(mu_);
  ++calls_[name];
}

void AmazonGateway::countError(const std::string& code) {
  std::lock_guard lock(mu_);
  ++errors_[code];
}

std::map<std::string, std::int64_t> AmazonGateway::callCounts() const {
  std::lock_guard lock(mu_);
  return calls_;
}

std::map<std::string, std::int64_t> AmazonGateway::errorCounts() const {
  std::lock_guard lock(mu_);
  return errors_;
}

SimResponse AmazonGateway::spError(int status, const std::string& code, const std::string& message,
                                   const std::string& details) {
  countError(code);
  JsonWriter w;
  w.beginObject().key("errors").beginArray().beginObject();
  w.field("code", code).field("message", message).field("details", details);
  w.endObject().endArray().endObject();
  SimResponse r = json(status, w.str());
  r.headers.emplace_back("x-amzn-RequestId", newRequestId());
  return r;
}

SimResponse AmazonGateway::handle(const SimRequest& request) {
  SimResponse r = dispatch(request);
  // Every SP-API answer carries x-amzn-RequestId; x-amzn-RateLimit-Limit goes on the 2xx,
  // 400 and 404 answers of a known operation and never on a 429 (as Amazon documents).
  const std::string operation = AmazonUsagePlans::operationOf(request.verb, request.path);
  if (operation.empty()) return r;
  auto& h = r.headers;
  h.erase(std::remove_if(h.begin(), h.end(),
                         [](const auto& kv) { return lower(kv.first) == "x-amzn-ratelimit-limit"; }),
          h.end());
  if (std::none_of(h.begin(), h.end(), [](const auto& kv) { return lower(kv.first) == "x-amzn-requestid"; }))
    h.emplace_back("x-amzn-RequestId", newRequestId());
  if ((r.status >= 200 && r.status < 300) || r.status == 400 || r.status == 404)
    h.emplace_back("x-amzn-RateLimit-Limit", usage_.limitHeader(operation));
  return r;
}

SimResponse AmazonGateway::dispatch(const SimRequest& request) {
  try {
    const std::string& p = request.path;
    if (p == "/auth/o2/token") return handleToken(request);
    if (p == "/apps/authorize/consent") return handleConsentPage(request);
    if (p == "/apps/authorize/confirm") return handleConsentConfirm(request);
    if (p.rfind(kReportsPrefix, 0) == 0) return handleReports(request);
    if (p.rfind(kFinancesPrefix, 0) == 0) return handleFinances(request);
    if (p.rfind(kInboundPrefix, 0) == 0) return handleInbound(request);
    if (p.rfind("/_sim/amazon/", 0) == 0) return handleControl(request);
    return spError(404, "NotFound", "Resource not found: " + request.verb + " " + p);
  } catch (const std::exception& e) {
    return spError(500, "InternalFailure", std::string("internal error: ") + e.what());
  } catch (...) {
    return spError(500, "InternalFailure", "internal error");
  }
}

// ---------------------------------------------------------------------------------------
// Login with Amazon

SimResponse AmazonGateway::handleToken(const SimRequest& request) {
  count("lwa.token");
  if (request.verb != "POST") {
    countError("invalid_request");
    return json(405, R"({"error_description":"The request method must be POST","error":"invalid_request"})");
  }
  std::map<std::string, std::string> form = request.params;
  if (!request.body.empty()) {
    // LWA also accepts a JSON body.
    try {
      Poco::JSON::Parser parser;
      const auto v = parser.parse(request.body);
      if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
        const auto o = v.extract<Poco::JSON::Object::Ptr>();
        for (const auto& name : o->getNames())
          if (!o->get(name).isEmpty()) form[name] = o->get(name).convert<std::string>();
      }
    } catch (const Poco::Exception&) {
      countError("invalid_request");
      return json(400, R"({"error_description":"The request body could not be parsed","error":"invalid_request"})");
    }
  }
  const LwaTokenService::Answer a = lwa_.exchange(form);
  if (!a.error.empty()) countError(a.error);
  SimResponse r = json(a.status, a.body);
  r.headers.emplace_back("x-amzn-RequestId", newRequestId());
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// ---------------------------------------------------------------------------------------
// Seller Central consent (website authorization workflow)

SimResponse AmazonGateway::handleConsentPage(const SimRequest& request) {
  count("consent.page");
  const std::string app = param(request, "application_id");
  const std::string state = param(request, "state");
  const std::string redirect = param(request, "redirect_uri");
  const std::string version = param(request, "version");
  const LwaClientConfig* client = lwa_.clientForApplication(app);
  if (request.verb != "GET") return consentError("MD9000", "A página de consentimento se abre com GET.");
  if (client == nullptr)
    return consentError("MD9100", "Aplicativo desconhecido: application_id \"" + app + "\".");
  if (client->draft && version != "beta")
    return consentError("MD1000", "O aplicativo está em rascunho: a autorização precisa de version=beta.");
  if (!httpUrl(redirect))
    return consentError("MD5101", "O redirect_uri deve ser uma URL http(s) cadastrada no aplicativo, recebido \"" +
                                      redirect + "\".");
  SimResponse r;
  r.content_type = "text/html;charset=UTF-8";
  r.body =
      "<!DOCTYPE html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\">"
      "<title>Seller Central (simulador) — Autorizar aplicativo</title></head><body>"
      "<h1>Autorizar o aplicativo</h1>"
      "<p>O aplicativo <strong id=\"application\">" + htmlEscape(app) +
      "</strong> quer acessar os relatórios e os dados financeiros da conta <strong id=\"seller\">" +
      htmlEscape(config_.amazon.selling_partner_id) + "</strong> (marketplace <span id=\"marketplace\">" +
      htmlEscape(market_.id) + "</span>).</p>"
      "<p>Você será redirecionado para <code id=\"redirect\">" + htmlEscape(redirect) + "</code>.</p>"
      "<form method=\"post\" action=\"/apps/authorize/confirm\">"
      "<input type=\"hidden\" name=\"application_id\" value=\"" + htmlEscape(app) + "\">"
      "<input type=\"hidden\" name=\"redirect_uri\" value=\"" + htmlEscape(redirect) + "\">"
      "<input type=\"hidden\" name=\"state\" value=\"" + htmlEscape(state) + "\">"
      "<input type=\"hidden\" name=\"version\" value=\"" + htmlEscape(version) + "\">"
      "<button type=\"submit\" name=\"decision\" value=\"confirm\" id=\"approve\">Confirmar</button> "
      "<button type=\"submit\" name=\"decision\" value=\"cancel\" id=\"deny\">Cancelar</button>"
      "</form></body></html>";
  return r;
}

SimResponse AmazonGateway::handleConsentConfirm(const SimRequest& request) {
  count("consent.confirm");
  const std::string app = param(request, "application_id");
  const std::string redirect = param(request, "redirect_uri");
  const std::string state = param(request, "state");
  const LwaClientConfig* client = lwa_.clientForApplication(app);
  if (request.verb != "POST" || client == nullptr || !httpUrl(redirect) ||
      (client->draft && param(request, "version") != "beta"))
    return consentError("MD9000", "Pedido de autorização inválido.");
  std::string location = redirect + (redirect.find('?') == std::string::npos ? "?" : "&");
  if (param(request, "decision") == "cancel") {
    location += "error=access_denied";
  } else {
    location += "selling_partner_id=" + urlEncode(config_.amazon.selling_partner_id) +
                "&spapi_oauth_code=" + urlEncode(lwa_.issueCode(client->client_id, redirect));
  }
  location += "&state=" + urlEncode(state);
  SimResponse r;
  r.status = 302;
  r.content_type = "text/html;charset=UTF-8";
  r.headers.emplace_back("Location", location);
  r.body = "<!DOCTYPE html><html><body><a href=\"" + htmlEscape(location) +
           "\">Continuar</a></body></html>";
  return r;
}

// ---------------------------------------------------------------------------------------
// What every SP-API call passes before its operation: the token, a known path, and
// the armed faults (finances_denied only for the Finances API).

std::optional<SimResponse> AmazonGateway::gate(const SimRequest& request, bool known,
                                               bool finances) {
  const std::string token = request.header("x-amz-access-token");
  switch (lwa_.check(token)) {
    case LwaTokenService::TokenState::Valid: break;
    case LwaTokenService::TokenState::Expired:
      return spError(403, "Unauthorized", "Access to requested resource is denied.",
                     "The access token you provided has expired.");
    case LwaTokenService::TokenState::Missing:
    case LwaTokenService::TokenState::Unknown:
      return spError(403, "Unauthorized", "Access to requested resource is denied.", "");
  }
  if (!known)
    return spError(404, "NotFound", "Resource not found: " + request.verb + " " + request.path);
  if (finances && faults_.nextFinancesDenied())
    return spError(403, "Unauthorized", "Access to requested resource is denied.", "");
  switch (faults_.nextCall()) {
    case AmazonFaults::CallFault::QuotaExceeded:
      return spError(429, "QuotaExceeded", "You exceeded your quota for the requested resource.", "");
    case AmazonFaults::CallFault::ServerError:
      return spError(500, "InternalFailure", "We encountered an internal error. Please try again.",
                     "");
    case AmazonFaults::CallFault::None: break;
  }
  // The caller's usage plan: one bucket per LWA client and refresh token and operation.
  const std::string operation = AmazonUsagePlans::operationOf(request.verb, request.path);
  const std::string owner = lwa_.ownerOf(token);
  if (!usage_.admit(owner.empty() ? token : owner, operation)) {
    count("throttled." + operation);
    return spError(429, "QuotaExceeded", "You exceeded your quota for the requested resource.", "");
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// Reports API 2021-06-30

SimResponse AmazonGateway::handleReports(const SimRequest& request) {
  const std::string rest = request.path.substr(std::string(kReportsPrefix).size());
  std::string operation, id;
  if (rest == "reports" && request.verb == "POST") {
    operation = "createReport";
  } else if (rest == "reports" && request.verb == "GET") {
    operation = "getReports";
  } else if (rest.rfind("reports/", 0) == 0 && rest.size() > 8 &&
             rest.find('/', 8) == std::string::npos) {
    id = rest.substr(8);
    if (request.verb == "GET") operation = "getReport";
    if (request.verb == "DELETE") operation = "cancelReport";
  } else if (rest.rfind("documents/", 0) == 0 && rest.size() > 10 &&
             rest.find('/', 10) == std::string::npos && request.verb == "GET") {
    id = rest.substr(10);
    operation = "getReportDocument";
  }
  count(operation.empty() ? "reports.unknown" : operation);
  if (auto refused = gate(request, !operation.empty(), false)) return *refused;

  if (operation == "createReport") return createReport(request);
  if (operation == "getReports") return getReports(request);
  if (operation == "getReport") return getReport(id);
  if (operation == "cancelReport") return cancelReport(id);
  return getReportDocument(request, id);
}

// ---------------------------------------------------------------------------------------
// Finances API v0

SimResponse AmazonGateway::handleFinances(const SimRequest& request) {
  const bool known = request.path == "/finances/v0/financialEvents" && request.verb == "GET";
  count(known ? "listFinancialEvents" : "finances.unknown");
  if (auto refused = gate(request, known, true)) return *refused;
  const AmazonFinances::Answer a = finances_->list(request, clock_.nowMs());
  if (a.status != 200) return spError(a.status, a.code, a.message, a.details);
  SimResponse out = json(200, a.body);
  out.headers.emplace_back("x-amzn-RequestId", newRequestId());
  return out;
}

// ---------------------------------------------------------------------------------------
// Fulfillment Inbound API v0

SimResponse AmazonGateway::handleInbound(const SimRequest& request) {
  const std::string operation =
      request.verb == "GET" ? AmazonUsagePlans::operationOf(request.verb, request.path) : std::string();
  count(operation.empty() ? "inbound.unknown" : operation);
  if (auto refused = gate(request, !operation.empty(), false)) return *refused;
  AmazonInbound::Answer a;
  if (operation == "getShipments") {
    a = inbound_->getShipments(request);
  } else if (operation == "getShipmentItems") {
    a = inbound_->getShipmentItems(request);
  } else {
    // /fba/inbound/v0/shipments/{shipmentId}/items
    const std::string prefix = std::string(kInboundPrefix) + "v0/shipments/";
    const std::string rest = request.path.substr(prefix.size());
    a = inbound_->getShipmentItemsByShipmentId(request, rest.substr(0, rest.find('/')));
  }
  if (a.status != 200) return spError(a.status, a.code, a.message, a.details);
  SimResponse out = json(200, a.body);
  out.headers.emplace_back("x-amzn-RequestId", newRequestId());
  return out;
}

SimResponse AmazonGateway::createReport(const SimRequest& request) {
  Poco::JSON::Object::Ptr body;
  try {
    Poco::JSON::Parser parser;
    const auto v = parser.parse(request.body);
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) body = v.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
  }
  if (!body)
    return spError(400, "InvalidInput",
                   "Expected a JSON object body (CreateReportSpecification), got " +
                       (request.body.empty() ? std::string("an empty body")
                                             : "\"" + request.body.substr(0, 80) + "\""));
  auto text = [&](const char* k) -> std::string {
    if (!body->has(k) || body->get(k).isEmpty()) return "";
    return body->get(k).convert<std::string>();
  };
  const std::string type = text("reportType");
  if (type.empty()) return spError(400, "InvalidInput", "Missing required field: reportType.");
  const auto kind = AmazonReportFile::kindOf(type);
  if (!kind)
    return spError(400, "InvalidInput", "Invalid reportType " + type + ".",
                   "Supported by this simulator: GET_FBA_REIMBURSEMENTS_DATA, "
                   "GET_LEDGER_DETAIL_VIEW_DATA, GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA");
  Report r;
  r.kind = *kind;
  const auto ids = body->getArray("marketplaceIds");
  if (!ids || ids->size() == 0)
    return spError(400, "InvalidInput", "Missing required field: marketplaceIds.");
  for (std::size_t i = 0; i < ids->size(); ++i) {
    const std::string m = ids->get(static_cast<unsigned>(i)).convert<std::string>();
    if (m != market_.id)
      return spError(400, "InvalidInput", "Invalid marketplaceId " + m + ".",
                     "The seller is registered in " + market_.id + " only.");
    r.marketplace_ids.push_back(m);
  }
  const std::int64_t now = clock_.nowMs();
  r.data_start_ms = data_->startMs();
  r.data_end_ms = now;
  for (const char* k : {"dataStartTime", "dataEndTime"}) {
    const std::string t = text(k);
    if (t.empty()) continue;
    std::int64_t ms = 0;
    if (!AmazonTime::parseIso(t, &ms))
      return spError(400, "InvalidInput",
                     std::string("Invalid ") + k + ": expected ISO 8601 date-time, got \"" + t +
                         "\".");
    (std::string(k) == "dataStartTime" ? r.data_start_ms : r.data_end_ms) = std::min(ms, now);
  }
  if (r.data_start_ms > r.data_end_ms)
    return spError(400, "InvalidInput", "dataStartTime must be before dataEndTime.");
  r.created_ms = now;
  r.fate = faults_.nextReport(AmazonReportFile::reportType(r.kind));
  {
    std::lock_guard lock(mu_);
    const std::uint64_t n = ++report_counter_;
    r.id = std::to_string(50'000'000'000ULL + (config_.seed % 1000) * 1'000'000ULL + n);
    report_order_.push_back(r.id);
    reports_[r.id] = r;
  }
  count(std::string("createReport.") + AmazonReportFile::reportType(r.kind));
  JsonWriter w;
  w.beginObject().field("reportId", r.id).endObject();
  SimResponse out = json(202, w.str());
  out.headers.emplace_back("x-amzn-RequestId", newRequestId());
  return out;
}

SimResponse AmazonGateway::getReports(const SimRequest& request) {
  // Comma-separated lists, as SP-API takes them.
  auto list = [&](const char* k) {
    std::vector<std::string> out;
    const auto it = request.params.find(k);
    if (it == request.params.end()) return out;
    std::size_t from = 0;
    while (from <= it->second.size()) {
      const std::size_t comma = std::min(it->second.find(',', from), it->second.size());
      if (comma > from) out.push_back(it->second.substr(from, comma - from));
      from = comma + 1;
    }
    return out;
  };
  const auto types = list("reportTypes");
  const auto statuses = list("processingStatuses");
  if (types.empty() && request.params.find("nextToken") == request.params.end())
    return spError(400, "InvalidInput", "reportTypes or nextToken is required.");
  const std::int64_t now = clock_.nowMs();
  std::int64_t since = now - 90LL * 86'400'000;  // Amazon's default: 90 days ago
  if (const auto it = request.params.find("createdSince"); it != request.params.end()) {
    if (!AmazonTime::parseIso(it->second, &since))
      return spError(400, "InvalidInput",
                     "Invalid createdSince: expected ISO 8601 date-time, got \"" + it->second + "\".");
  }
  std::size_t page = 10;
  if (const auto it = request.params.find("pageSize"); it != request.params.end()) {
    try {
      const int n = std::stoi(it->second);
      if (n < 1 || n > 100) throw std::out_of_range("pageSize");
      page = static_cast<std::size_t>(n);
    } catch (const std::exception&) {
      return spError(400, "InvalidInput", "pageSize must be between 1 and 100, got " + it->second + ".");
    }
  }
  std::vector<Report> found;
  {
    std::lock_guard lock(mu_);
    for (auto it = report_order_.rbegin(); it != report_order_.rend() && found.size() < page; ++it) {
      const Report& r = reports_.at(*it);
      const std::string type = AmazonReportFile::reportType(r.kind);
      if (!types.empty() && std::find(types.begin(), types.end(), type) == types.end()) continue;
      if (!statuses.empty() && std::find(statuses.begin(), statuses.end(), r.status) == statuses.end()) continue;
      if (r.created_ms < since) continue;
      found.push_back(r);
    }
  }
  std::string body = "{\"reports\":[";
  for (std::size_t i = 0; i < found.size(); ++i) body += (i ? "," : "") + reportJson(found[i]);
  body += "]}";
  SimResponse out = json(200, body);
  out.headers.emplace_back("x-amzn-RequestId", newRequestId());
  return out;
}

std::string AmazonGateway::reportJson(const Report& r) const {
  JsonWriter w;
  w.beginObject();
  w.key("marketplaceIds").beginArray();
  for (const auto& m : r.marketplace_ids) w.value(m);
  w.endArray();
  w.field("reportId", r.id).field("reportType", AmazonReportFile::reportType(r.kind));
  w.field("dataStartTime", AmazonTime::isoUtc(r.data_start_ms));
  w.field("dataEndTime", AmazonTime::isoUtc(r.data_end_ms));
  w.field("createdTime", AmazonTime::isoUtc(r.created_ms));
  w.field("processingStatus", r.status);
  if (r.started_ms) w.field("processingStartTime", AmazonTime::isoUtc(r.started_ms));
  if (r.ended_ms) w.field("processingEndTime", AmazonTime::isoUtc(r.ended_ms));
  if (!r.document_id.empty()) w.field("reportDocumentId", r.document_id);
  w.endObject();
  return w.str();
}

SimResponse AmazonGateway::getReport(const std::string& report_id) {
  const std::int64_t now = clock_.nowMs();
  Report snapshot;
  bool finish = false;  // this call decides the final status
  {
    std::lock_guard lock(mu_);
    const auto it = reports_.find(report_id);
    if (it != reports_.end()) {
      Report& r = it->second;
      if (r.status == "IN_QUEUE" || r.status == "IN_PROGRESS") {
        ++r.polls;
        if (r.polls >= config_.amazon.polls_to_done) {
          if (!r.started_ms) r.started_ms = now;
          r.status = "FINISHING";  // decided below, outside the lock
          finish = true;
        } else if (r.polls >= 2) {
          r.status = "IN_PROGRESS";
          if (!r.started_ms) r.started_ms = now;
        }
      }
      snapshot = r;
      if (snapshot.status == "FINISHING") snapshot.status = "IN_PROGRESS";
    }
  }
  if (snapshot.id.empty())
    return spError(404, "NotFound", "Report " + report_id + " was not found.",
                   "Unknown reportId for this selling partner.");

  if (finish) {
    // Render outside the lock; only this call moved the report to FINISHING.
    std::string status;
    Document doc;
    doc.report_id = snapshot.id;
    bool has_doc = false;
    std::size_t rows = 0;
    switch (snapshot.fate) {
      case AmazonFaults::ReportFate::Cancelled: status = "CANCELLED"; break;
      case AmazonFaults::ReportFate::Fatal:
        status = "FATAL";
        doc.content.content_type = "application/json;charset=UTF-8";
        doc.content.bytes = "{\"errorDetails\":\"The report could not be generated because of an "
                            "internal error. Request it again later.\"}";
        has_doc = true;
        break;
      case AmazonFaults::ReportFate::Normal:
        doc.content = AmazonReportFile::render(*data_, market_, snapshot.kind,
                                               snapshot.data_start_ms, snapshot.data_end_ms);
        rows = doc.content.rows;
        // Amazon cancels a report that has no data.
        if (rows == 0) status = "CANCELLED";
        else {
          status = "DONE";
          has_doc = true;
        }
        break;
    }
    std::lock_guard lock(mu_);
    const auto it = reports_.find(snapshot.id);
    if (it == reports_.end())  // reset while rendering
      return spError(404, "NotFound", "Report " + report_id + " was not found.");
    Report& r = it->second;
    r.status = status;
    r.ended_ms = now;
    r.rows = rows;
    if (has_doc) {
      const std::string h = lower(IopSignature::sign(url_key_, "", {{"report", r.id}}));
      r.document_id = std::string("amzn1.spdoc.1.4.") + (market_.pacific_time ? "na" : "eu") +
                      "." + h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
                      h.substr(16, 4) + "-" + h.substr(20, 12);
      documents_[r.document_id] = std::move(doc);
    }
    snapshot = r;
  }
  SimResponse out = json(200, reportJson(snapshot));
  out.headers.emplace_back("x-amzn-RequestId", newRequestId());
  return out;
}

SimResponse AmazonGateway::cancelReport(const std::string& report_id) {
  std::string status;
  {
    std::lock_guard lock(mu_);
    const auto it = reports_.find(report_id);
    if (it != reports_.end()) {
      status = it->second.status;
      if (status == "IN_QUEUE") {
        it->second.status = "CANCELLED";
        it->second.ended_ms = clock_.nowMs();
      }
    }
  }
  if (status.empty()) return spError(404, "NotFound", "Report " + report_id + " was not found.");
  if (status != "IN_QUEUE")
    return spError(400, "InvalidInput",
                   "Only reports with processingStatus IN_QUEUE can be cancelled; report " +
                       report_id + " is " + status + ".");
  SimResponse out = json(200, "");
  out.headers.emplace_back("x-amzn-RequestId", newRequestId());
  return out;
}

std::string AmazonGateway::documentSignature(const std::string& id, const std::string& date,
                                             const std::string& expires) const {
  return lower(IopSignature::sign(url_key_, "", {{"date", date}, {"expires", expires}, {"id", id}}));
}

SimResponse AmazonGateway::getReportDocument(const SimRequest& request,
                                             const std::string& document_id) {
  bool gzip = false;
  std::string base;
  {
    std::lock_guard lock(mu_);
    const auto it = documents_.find(document_id);
    if (it == documents_.end()) {
      base.clear();
    } else {
      gzip = it->second.content.gzip;
      base = base_url_;
    }
  }
  if (base.empty())
    return spError(404, "NotFound", "Report document " + document_id + " was not found.");
  const std::string host = request.header("host");
  if (!host.empty()) base = "http://" + host;
  const std::string date = AmazonTime::amzDate(clock_.nowMs());
  const std::string expires = std::to_string(config_.amazon.document_url_ttl_s);
  const std::string url = base + kDocumentsPath + document_id +
                          "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=" + date +
                          "&X-Amz-Expires=" + expires + "&X-Amz-SignedHeaders=host" +
                          "&X-Amz-Signature=" + documentSignature(document_id, date, expires);
  JsonWriter w;
  w.beginObject().field("reportDocumentId", document_id).field("url", url);
  if (gzip) w.field("compressionAlgorithm", "GZIP");
  w.endObject();
  SimResponse out = json(200, w.str());
  out.headers.emplace_back("x-amzn-RequestId", newRequestId());
  return out;
}

SimResponse AmazonGateway::download(const SimRequest& request, const std::string& document_id) {
  count("document.download");
  const std::string request_id = newRequestId();
  const std::string date = param(request, "X-Amz-Date");
  const std::string expires = param(request, "X-Amz-Expires");
  const std::string signature = param(request, "X-Amz-Signature");
  if (date.empty() || expires.empty() || signature.empty()) {
    countError("AccessDenied");
    return s3Error(403, "AccessDenied", "Access Denied", "", request_id);
  }
  if (!IopSignature::matches(documentSignature(document_id, date, expires), signature)) {
    countError("SignatureDoesNotMatch");
    return s3Error(403, "SignatureDoesNotMatch",
                   "The request signature we calculated does not match the signature you "
                   "provided. Check your key and signing method.",
                   "", request_id);
  }
  std::int64_t issued = 0;
  AmazonTime::parseAmzDate(date, &issued);  // signed by us, so well-formed
  std::int64_t ttl_s = 0;
  for (char c : expires) ttl_s = ttl_s * 10 + (c - '0');
  const std::int64_t now = clock_.nowMs();
  if (now > issued + ttl_s * 1000) {
    countError("AccessDenied");
    return s3Error(403, "AccessDenied", "Request has expired",
                   "<X-Amz-Expires>" + expires + "</X-Amz-Expires><Expires>" +
                       AmazonTime::isoUtc(issued + ttl_s * 1000) + "</Expires><ServerTime>" +
                       AmazonTime::isoUtc(now) + "</ServerTime>",
                   request_id);
  }
  SimResponse out;
  {
    std::lock_guard lock(mu_);
    const auto it = documents_.find(document_id);
    if (it != documents_.end()) {
      out.body = it->second.content.bytes;
      out.content_type = it->second.content.gzip ? "application/octet-stream"
                                                 : it->second.content.content_type;
      out.status = 200;
    } else {
      out.status = 404;
    }
  }
  if (out.status == 404) {
    countError("NoSuchKey");
    return s3Error(404, "NoSuchKey", "The specified key does not exist.",
                   "<Key>" + xmlEscape(document_id) + "</Key>", request_id);
  }
  out.headers.emplace_back("x-amz-request-id", request_id);
  return out;
}

// ---------------------------------------------------------------------------------------
// Control endpoints

SimResponse AmazonGateway::handleControl(const SimRequest& req) {
  const std::string& p = req.path;
  if (p.rfind(kDocumentsPath, 0) == 0 && req.verb == "GET")
    return download(req, p.substr(std::string(kDocumentsPath).size()));
  if (p == "/_sim/amazon/state" && req.verb == "GET") return json(200, stateJson());
  if (p == "/_sim/amazon/reset" && req.verb == "POST") {
    reset();
    return json(200, "{\"reset\":true}");
  }
  if (p == "/_sim/amazon/faults" && req.verb == "POST") {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    if (!req.body.empty()) {
      try {
        Poco::JSON::Parser parser;
        const auto v = parser.parse(req.body);
        if (v.type() != typeid(Poco::JSON::Object::Ptr))
          return controlError(400, "expected a JSON object body");
        body = v.extract<Poco::JSON::Object::Ptr>();
      } catch (const Poco::Exception& e) {
        return controlError(400, "expected a JSON object body, got: " + e.message());
      }
    }
    try {
      auto n = [&](const char* k) {
        return body->has(k) ? body->get(k).convert<int>() : 0;
      };
      faults_.arm(n("quota_exceeded"), n("server_error"), n("cancel"), n("fatal"), n("finances_denied"));
      // {"cancel_types": {"GET_FBA_REIMBURSEMENTS_DATA": 2}}: the next reports of a type end CANCELLED.
      if (body->has("cancel_types")) {
        const auto types = body->getObject("cancel_types");
        if (!types) return controlError(400, "expected cancel_types as an object of counts by report type");
        for (const auto& type : types->getNames()) faults_.armCancel(type, types->get(type).convert<int>());
      }
      bool expired = false;
      if (body->has("expire_tokens") && body->get("expire_tokens").convert<bool>()) {
        lwa_.expireAll();
        expired = true;
      }
      JsonWriter w;
      w.beginObject().key("pending").beginObject();
      for (const auto& [k, v] : faults_.pending()) w.field(k, v);
      w.endObject().field("tokens_expired", expired).endObject();
      return json(200, w.str());
    } catch (const Poco::Exception& e) {
      return controlError(400, "expected integer counts and a boolean expire_tokens: " +
                                   e.displayText());
    }
  }
  return controlError(404, "unknown control endpoint " + req.verb + " " + p);
}

std::string AmazonGateway::stateJson() const {
  const AmazonDataSet& d = *data_;
  const auto& cat = d.catalog();
  JsonWriter w;
  w.beginObject();
  w.field("marketplace_id", market_.id).field("country", market_.country);
  w.field("currency", market_.currency);
  w.field("seed", static_cast<std::uint64_t>(config_.seed));
  w.field("anchor_ms", d.anchorMs()).field("anchor", AmazonTime::isoUtc(d.anchorMs()));
  w.field("history_start", AmazonTime::isoUtc(d.startMs()));
  w.field("now_ms", clock_.nowMs());
  w.field("catalog_size", static_cast<std::uint64_t>(cat.size()));
  w.key("rows").beginObject();
  w.field("GET_LEDGER_DETAIL_VIEW_DATA", static_cast<std::uint64_t>(d.ledger().size()));
  w.field("GET_FBA_REIMBURSEMENTS_DATA", static_cast<std::uint64_t>(d.reimbursements().size()));
  w.field("GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA",
          static_cast<std::uint64_t>(d.returns().size()));
  w.field("RefundEventList", static_cast<std::uint64_t>(finances_->refunds().size()));
  w.field("ShipmentEventList", static_cast<std::uint64_t>(finances_->shipments().size()));
  w.field("InboundShipments", static_cast<std::uint64_t>(d.inboundShipments().size()));
  w.field("RemovalOrders", static_cast<std::uint64_t>(d.removalOrders().size()));
  w.endObject();
  {
    std::lock_guard lock(mu_);
    w.key("reports").beginArray();
    for (const auto& id : report_order_) {
      const Report& r = reports_.at(id);
      w.beginObject().field("reportId", r.id);
      w.field("reportType", AmazonReportFile::reportType(r.kind));
      w.field("processingStatus", r.status == "FINISHING" ? std::string("IN_PROGRESS") : r.status);
      w.field("polls", r.polls);
      if (!r.document_id.empty()) {
        w.field("reportDocumentId", r.document_id);
        w.field("rows", static_cast<std::uint64_t>(r.rows));
        const auto doc = documents_.find(r.document_id);
        if (doc != documents_.end() && doc->second.content.gzip)
          w.field("compressionAlgorithm", "GZIP");
      }
      w.endObject();
    }
    w.endArray();
  }
  w.key("case_ids").beginArray();
  for (const auto& c : d.caseIds()) w.value(c);
  w.endArray();
  w.field("tokens_issued", static_cast<std::uint64_t>(lwa_.issuedCount()));

  auto product = [&](std::size_t i) {
    w.field("fnsku", cat[i].fnsku).field("msku", cat[i].msku).field("asin", cat[i].asin);
  };
  int lost = 0, found = 0, reimb_lost = 0, unresolved_lost = 0, damaged = 0, reimb_damaged = 0,
      unresolved_damaged = 0;
  w.key("expected").beginObject();
  w.key("by_fnsku").beginArray();
  for (const auto& t : d.truth()) {
    lost += t.lost;
    found += t.found;
    reimb_lost += t.reimbursed_lost;
    unresolved_lost += t.unresolvedLost();
    damaged += t.damaged;
    reimb_damaged += t.reimbursed_damaged;
    unresolved_damaged += t.unresolvedDamaged();
    if (t.lost == 0 && t.damaged == 0) continue;
    w.beginObject();
    product(t.product);
    w.field("lost", t.lost).field("found", t.found).field("reimbursed_lost", t.reimbursed_lost);
    w.field("unresolved_lost", t.unresolvedLost()).field("damaged", t.damaged);
    w.field("reimbursed_damaged", t.reimbursed_damaged);
    w.field("unresolved_damaged", t.unresolvedDamaged());
    w.endObject();
  }
  w.endArray();
  w.key("lost_not_found_not_reimbursed").beginArray();
  for (const auto& t : d.truth()) {
    if (t.unresolvedLost() == 0) continue;
    w.beginObject();
    product(t.product);
    w.field("units", t.unresolvedLost()).endObject();
  }
  w.endArray();
  w.key("damaged_not_reimbursed").beginArray();
  for (const auto& t : d.truth()) {
    if (t.unresolvedDamaged() == 0) continue;
    w.beginObject();
    product(t.product);
    w.field("units", t.unresolvedDamaged()).endObject();
  }
  w.endArray();
  int refunded = 0, refunded_unpaid = 0;
  w.key("refunded_not_returned").beginArray();
  for (const auto& r : d.refundsWithoutReturn()) {
    refunded += r.units;
    if (!r.reimbursed) refunded_unpaid += r.units;
    w.beginObject().field("order_id", r.order_id);
    product(r.product);
    w.field("units", r.units).field("refund_date", AmazonTime::isoUtc(r.refund_ms));
    w.field("reimbursed", r.reimbursed).endObject();
  }
  w.endArray();
  int returned_damaged = 0;
  w.key("returned_damaged").beginArray();
  for (const auto& r : d.returnedDamaged()) {
    returned_damaged += r.units;
    w.beginObject().field("order_id", r.order_id);
    product(r.product);
    w.field("units", r.units).field("disposition", r.disposition).endObject();
  }
  w.endArray();
  w.key("totals").beginObject();
  w.field("lost_units", lost).field("found_units", found);
  w.field("reimbursed_lost_units", reimb_lost).field("unresolved_lost_units", unresolved_lost);
  w.field("damaged_units", damaged).field("reimbursed_damaged_units", reimb_damaged);
  w.field("unresolved_damaged_units", unresolved_damaged);
  w.field("refunded_not_returned_units", refunded);
  w.field("refunded_not_returned_unreimbursed_units", refunded_unpaid);
  w.field("returned_damaged_units", returned_damaged);
  w.endObject();
  // Inbound shortages, removal losses and fee overcharges: the situations and the claims
  // a search with Amazon's default windows finds at the anchor.
  w.key("inbound_shipments").beginArray();
  for (const auto& s : d.inboundShipments()) {
    w.beginObject().field("shipment_id", s.shipment_id).field("status", s.status);
    w.field("last_updated", AmazonTime::isoUtc(s.last_updated_ms)).field("scenario", s.scenario);
    w.key("items").beginArray();
    for (const auto& it : s.items) {
      w.beginObject();
      product(it.product);
      w.field("shipped", it.shipped).field("received", it.received).endObject();
    }
    w.endArray().endObject();
  }
  w.endArray();
  w.key("removal_orders").beginArray();
  for (const auto& o : d.removalOrders()) {
    w.beginObject().field("order_id", o.order_id).field("order_type", o.order_type).field("status", o.status);
    w.field("scenario", o.scenario).endObject();
  }
  w.endArray();
  w.key("fee_scenarios").beginObject();
  {
    std::map<std::string, int> n;
    for (const auto& f : d.feeProfiles()) ++n[f.scenario];
    for (const auto& [k, v] : n) w.field(k, v);
  }
  w.endObject();
  w.key("more_claims").beginArray();
  for (const auto& c : d.moreClaims()) {
    w.beginObject().field("key", c.key).field("kind", c.kind);
    product(c.product);
    w.field("units", c.units);
    if (c.kind == "fee_overcharge") w.field("amount", AmazonReportFile::money(c.amount_cents));
    w.endObject();
  }
  w.endArray();
  w.endObject();  // expected

  w.key("faults_pending").beginObject();
  for (const auto& [k, v] : faults_.pending()) w.field(k, v);
  w.endObject();
  w.key("faults_served").beginObject();
  for (const auto& [k, v] : faults_.served()) w.field(k, v);
  w.endObject();
  w.endObject();
  return w.str();
}

}  // namespace sac::sim
