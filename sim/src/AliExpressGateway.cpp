#include "sac/sim/AliExpressGateway.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>

#include "sac/sim/IopSignature.h"
#include "sac/sim/JsonWriter.h"
#include "sac/sim/OrderLogistics.h"
#include "sac/sim/PacificTime.h"

namespace sac::sim {
namespace {

constexpr const char* kListMethod = "aliexpress.issue.issuelist.get";
constexpr const char* kDetailMethod = "aliexpress.issue.detail.get";
constexpr const char* kAgreeMethod = "aliexpress.issue.solution.agree";
constexpr const char* kSaveMethod = "aliexpress.issue.solution.save";
constexpr const char* kUploadMethod = "aliexpress.issue.image.upload";
constexpr const char* kFindOrderMethod = "aliexpress.trade.new.redefining.findorderbyid";
constexpr const char* kTrackingMethod = "aliexpress.logistics.redefining.querytrackingresult";

std::string param(const SimRequest& r, const std::string& name) {
  const auto it = r.params.find(name);
  return it == r.params.end() ? std::string() : it->second;
}

std::optional<std::int64_t> parseInt64(const std::string& s) {
  if (s.empty()) return std::nullopt;
  std::int64_t v = 0;
  const auto* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end) return std::nullopt;
  return v;
}

/// Decimal text with at most two decimals ("12", "12.5", "12.50") to cents.
std::optional<std::int64_t> parseMoney(const std::string& s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  std::int64_t units = 0;
  std::int64_t cents = 0;
  std::size_t i = 0;
  bool digits = false;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
    units = units * 10 + (s[i] - '0');
    digits = true;
  }
  if (!digits) return std::nullopt;
  if (i < s.size()) {
    if (s[i] != '.') return std::nullopt;
    ++i;
    int n = 0;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, ++n) {
      if (n >= 2) return std::nullopt;
      cents = cents * 10 + (s[i] - '0');
    }
    if (n == 0 || i != s.size()) return std::nullopt;
    if (n == 1) cents *= 10;
  }
  return units * 100 + cents;
}

std::string money(std::int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%lld.%02lld", cents < 0 ? "-" : "",
                static_cast<long long>((cents < 0 ? -cents : cents) / 100),
                static_cast<long long>((cents < 0 ? -cents : cents) % 100));
  return buf;
}

std::string htmlEscape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string urlEncode(const std::string& s) {
  std::string out;
  Poco::URI::encode(s, "!#$&'()*+,/:;=?@[]%\"<>", out);
  return out;
}

SimResponse jsonResponse(std::string body, int status = 200) {
  SimResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

/// {"error_response":{type, code, msg, sub_code, sub_msg, request_id}}; `code_json` is a
/// JSON value (a quoted string or the number 15).
SimResponse gatewayError(const std::string& type, const std::string& code_json,
                         const std::string& msg, const std::string& sub_code,
                         const std::string& sub_msg, const std::string& request_id) {
  JsonWriter w;
  w.beginObject().key("error_response").beginObject();
  w.field("type", type);
  w.key("code").raw(code_json);
  w.field("msg", msg);
  if (!sub_code.empty()) w.field("sub_code", sub_code);
  if (!sub_msg.empty()) w.field("sub_msg", sub_msg);
  w.field("request_id", request_id);
  w.endObject().endObject();
  return jsonResponse(w.str());
}

SimResponse restError(const std::string& code, const std::string& message,
                      const std::string& request_id, int status = 200) {
  JsonWriter w;
  w.beginObject()
      .field("type", "ISV")
      .field("code", code)
      .field("message", message)
      .field("request_id", request_id)
      .endObject();
  return jsonResponse(w.str(), status);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string hexPrefix(const std::string& bytes, std::size_t n) {
  std::string o;
  char buf[4];
  for (std::size_t i = 0; i < std::min(n, bytes.size()); ++i) {
    std::snprintf(buf, sizeof buf, "%s%02X", i ? " " : "", static_cast<unsigned char>(bytes[i]));
    o += buf;
  }
  return o.empty() ? "no bytes" : o;
}

/// Writes a list wrapped the way the gateway does: {"<item>":[...]} (an empty list as
/// {}), or as a plain array with simplify=true.
void writeList(JsonWriter& w, const char* key, const char* item, bool simplify, std::size_t n,
               const std::function<void(std::size_t)>& write_item) {
  w.key(key);
  if (simplify) {
    w.beginArray();
    for (std::size_t i = 0; i < n; ++i) write_item(i);
    w.endArray();
    return;
  }
  w.beginObject();
  if (n > 0) {
    w.key(item).beginArray();
    for (std::size_t i = 0; i < n; ++i) write_item(i);
    w.endArray();
  }
  w.endObject();
}

void writeSolution(JsonWriter& w, const SolutionRecord& s, const Dispute& d) {
  w.beginObject();
  w.field("buyer_accept_time", PacificTime::format(s.buyer_accept_time));
  w.field("content", s.content);
  w.field("gmt_create", PacificTime::format(s.gmt_create));
  w.field("gmt_modified", PacificTime::format(s.gmt_modified));
  w.field("id", s.id);
  w.field("is_default", s.is_default);
  w.field("issue_id", d.issue_id);
  w.field("logistics_fee_amount", static_cast<std::int64_t>(0));
  w.field("logistics_fee_amount_currency", s.currency);
  w.field("logistics_fee_bear_role", s.logistics_fee_bear_role);
  w.field("order_id", d.order_id);
  w.field("reached_time", PacificTime::format(s.reached_time));
  w.field("reached_type", s.reached_type);
  w.field("refund_money", money(s.amount_cents));
  w.field("refund_money_currency", s.currency);
  w.field("refund_money_post", money(s.amount_usd_cents));
  w.field("refund_money_post_currency", "USD");
  w.field("seller_accept_time", PacificTime::format(s.seller_accept_time));
  w.field("solution_owner", s.owner);
  w.field("solution_type", s.solution_type);
  w.field("status", s.status);
  w.field("version", static_cast<std::int64_t>(1));
  w.endObject();
}

void writeDetail(JsonWriter& w, const Dispute& d, bool simplify) {
  w.beginObject();
  w.field("after_sale_warranty", false);
  w.field("buyer_login_id", d.buyer_login_id);
  w.field("buyer_return_logistics_company", d.return_logistics_company);
  w.field("buyer_return_logistics_lp_no", d.return_lp_no);
  w.field("buyer_return_no", d.return_no);
  writeList(w, "buyer_solution_list", "solution_api_dto", simplify, d.buyer_solutions.size(),
            [&](std::size_t i) { writeSolution(w, d.buyer_solutions[i], d); });
  w.field("gmt_create", PacificTime::format(d.gmt_create));
  w.field("id", d.issue_id);
  w.field("issue_reason", d.reason_english);
  w.field("issue_reason_id", static_cast<std::int64_t>(d.reason_id));
  w.field("issue_status", d.issue_status);
  w.field("order_id", d.order_id);
  w.field("parent_order_id", d.parent_order_id);
  writeList(w, "platform_solution_list", "solution_api_dto", simplify,
            d.platform_solutions.size(),
            [&](std::size_t i) { writeSolution(w, d.platform_solutions[i], d); });
  writeList(w, "process_dto_list", "api_issue_process_dto", simplify, d.process.size(),
            [&](std::size_t i) {
              const ProcessRecord& p = d.process[i];
              w.beginObject();
              w.field("action_type", p.action_type);
              writeList(w, "attachments", "api_attachment_dto", simplify, p.attachments.size(),
                        [&](std::size_t k) {
                          const AttachmentRecord& a = p.attachments[k];
                          w.beginObject();
                          w.field("file_path", a.file_path);
                          w.field("gmt_create", PacificTime::format(a.gmt_create));
                          w.field("issue_id", d.issue_id);
                          w.field("issue_process_id", p.id);
                          w.field("owner", a.owner);
                          w.endObject();
                        });
              w.field("content", p.content);
              w.field("gmt_create", PacificTime::format(p.gmt_create));
              w.field("has_buyer_video", false);
              w.field("has_seller_video", false);
              w.field("id", p.id);
              w.field("issue_id", d.issue_id);
              w.field("receive_goods", p.receive_goods);
              w.field("submit_member_type", p.submit_member_type);
              w.endObject();
            });
  w.field("product_id", d.product_id);
  w.field("product_name", d.product_name);
  w.field("product_price", money(d.price_cents));
  w.field("product_price_currency", d.currency);
  w.field("refund_money_max", money(d.refund_max_cents));
  w.field("refund_money_max_currency", d.currency);
  w.field("refund_money_max_local", money(d.refund_max_local_cents));
  w.field("refund_money_max_local_currency", d.local_currency);
  w.field("reverse_detail_status", d.fine_status);
  writeList(w, "seller_solution_list", "solution_api_dto", simplify, d.seller_solutions.size(),
            [&](std::size_t i) { writeSolution(w, d.seller_solutions[i], d); });
  w.field("timeout_trigger_time", PacificTime::format(d.deadline));
  w.field("timeout_type", d.timeout_type);
  w.endObject();
}

/// AeopTpOrderDetailDTO of aliexpress.trade.new.redefining.findorderbyid: the order behind a
/// dispute, its one package (logistic_info_list) and its sub-order (child_order_list).
void writeOrder(JsonWriter& w, const Dispute& d, const OrderLogistics& o, bool simplify) {
  const bool open = d.issue_status == "processing";
  w.beginObject();
  w.field("buyerloginid", d.buyer_login_id);
  writeList(w, "child_order_list", "aeop_tp_child_order_dto", simplify, 1, [&](std::size_t) {
    w.beginObject();
    w.field("id", d.order_id);
    w.field("issue_status", open ? "IN_ISSUE" : "END_ISSUE");
    w.field("logistics_service_name", o.service_name);
    w.field("logistics_type", o.service_code);
    w.field("order_status", open ? "IN_ISSUE" : "FINISH");
    w.field("product_count", static_cast<std::int64_t>(d.quantity));
    w.field("product_id", d.product_id);
    w.field("product_name", d.product_name);
    w.key("product_price").beginObject();
    w.field("amount", money(d.price_cents));
    w.field("currency_code", d.currency);
    w.endObject();
    w.endObject();
  });
  w.field("gmt_create", PacificTime::format(o.order_created));
  w.field("gmt_modified", PacificTime::format(std::max(d.gmt_modified, o.received)));
  w.field("gmt_pay_success", PacificTime::format(o.paid));
  w.field("id", o.order_id);
  w.field("issue_status", open ? "IN_ISSUE" : "END_ISSUE");
  writeList(w, "logistic_info_list", "aeop_tp_logistic_info_dto", simplify, 1, [&](std::size_t) {
    w.beginObject();
    w.field("gmt_received", PacificTime::format(o.received));
    w.field("gmt_send", PacificTime::format(o.shipped));
    w.field("have_tracking_info", !o.logistics_no.empty());
    w.field("logistics_no", o.logistics_no);
    w.field("logistics_service_name", o.service_name);
    w.field("logistics_type_code", o.service_code);
    w.field("receive_status", o.receive_status);
    if (o.kind == "no_tracking") w.field("recv_status_desc", "No tracking number was provided");
    w.endObject();
  });
  w.field("logistics_status", o.kind == "delivered" ? "BUYER_ACCEPT_GOODS" : "SELLER_SEND_GOODS");
  w.key("order_amount").beginObject();
  w.field("amount", money(d.price_cents * d.quantity));
  w.field("currency_code", d.currency);
  w.endObject();
  w.field("order_status", open ? "IN_ISSUE" : "FINISH");
  w.key("receipt_address").beginObject();
  w.field("city", o.city);
  w.field("country", o.country);
  w.endObject();
  w.endObject();
}

/// Business-level answer builder: `<method>_response` wrapper unless simplify.
std::string businessBody(const std::string& method, bool simplify, const std::string& request_id,
                         const std::function<void(JsonWriter&)>& fields) {
  JsonWriter w;
  w.beginObject();
  if (!simplify) {
    std::string key = method;
    std::replace(key.begin(), key.end(), '.', '_');
    w.key(key + "_response").beginObject();
  }
  fields(w);
  w.field("request_id", request_id);
  if (!simplify) w.endObject();
  w.endObject();
  return w.str();
}

/// Parses a JSON object parameter; nullptr with `error` set when it is not an object.
Poco::JSON::Object::Ptr parseObject(const std::string& text, std::string* error) {
  try {
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var v = parser.parse(text);
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
      *error = "expected a JSON object";
      return nullptr;
    }
    return v.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& e) {
    *error = "expected JSON text, got a parse error: " + e.message();
  } catch (const std::exception& e) {
    *error = std::string("expected JSON text: ") + e.what();
  }
  return nullptr;
}

/// Reads a JSON member as text (strings as is, numbers and booleans as written).
std::optional<std::string> memberText(const Poco::JSON::Object::Ptr& o, const std::string& k) {
  if (!o->has(k)) return std::nullopt;
  const Poco::Dynamic::Var v = o->get(k);
  if (v.isEmpty()) return std::nullopt;
  try {
    return v.convert<std::string>();
  } catch (...) {
    return std::nullopt;
  }
}

constexpr std::int64_t kDayMs = 86'400'000LL;
/// The platform counts daily calls by Beijing day (UTC+8, no daylight saving).
constexpr std::int64_t kBeijingOffsetMs = 8LL * 3'600'000;

}  // namespace

GatewayTuning GatewayTuning::fromConfig(const SimConfig& c) {
  GatewayTuning t;
  t.latency_ms = c.latency_ms;
  t.churn_per_list_call = c.churn_per_list_call;
  t.app_qps = c.app_qps;
  t.app_burst = c.app_burst;
  t.ban_seconds = c.ban_seconds;
  t.app_daily_calls = c.app_daily_calls;
  return t;
}

double GatewayTuning::burst() const {
  if (app_burst > 0) return app_burst;
  return std::max(1.0, std::ceil(app_qps));
}

AliExpressGateway::AliExpressGateway(const SimConfig& config, SimClock& clock)
    : config_(config),
      clock_(clock),
      faults_(config.seed, config.fault_rate),
      tokens_(config, clock.nowMs()),
      tuning_(GatewayTuning::fromConfig(config)) {
  anchor_ms_ = config_.anchor_ms != 0 ? config_.anchor_ms : clock_.nowMs() / kDayMs * kDayMs;
  for (std::size_t i = 0; i < config_.stores.size(); ++i)
    stores_.push_back(std::make_unique<DisputeStore>(config_.seed, i, config_.disputes, anchor_ms_));
}

bool AliExpressGateway::owns(const std::string& path) {
  return path == "/sync" || path.rfind("/rest/", 0) == 0 || path.rfind("/oauth/", 0) == 0;
}

void AliExpressGateway::reset() {
  for (auto& s : stores_) s->reset();
  tokens_.reset(clock_.nowMs());
  faults_.clear();
  {
    std::lock_guard lock(live_mu_);
    tuning_ = GatewayTuning::fromConfig(config_);
    limits_.clear();
  }
  {
    std::lock_guard lock(mu_);
    images_.clear();
  }
  resetStats();
}

void AliExpressGateway::resetStats() {
  {
    std::lock_guard lock(mu_);
    calls_.clear();
    errors_.clear();
  }
  {
    std::lock_guard lock(live_mu_);
    for (auto& [key, a] : limits_) {
      const std::int64_t daily = a.stats.daily_calls;
      a.stats = LimitStats{};
      a.stats.daily_calls = daily;
    }
  }
  std::lock_guard lock(flight_mu_);
  flight_.max = flight_.current;
  for (auto& [key, g] : flight_by_key_) g.max = g.current;
}

GatewayTuning AliExpressGateway::tuning() const {
  std::lock_guard lock(live_mu_);
  return tuning_;
}

void AliExpressGateway::setTuning(const GatewayTuning& tuning) {
  std::lock_guard lock(live_mu_);
  tuning_ = tuning;
}

std::string AliExpressGateway::flightKey(const std::string& app_key) const {
  for (const auto& s : config_.stores)
    if (s.app_key == app_key) return app_key;
  return "(unknown)";
}

AliExpressGateway::InFlightCall::InFlightCall(AliExpressGateway& gateway,
                                              const std::string& app_key)
    : gateway_(gateway), key_(gateway.flightKey(app_key)) {
  gateway_.enterFlight(key_);
}

AliExpressGateway::InFlightCall::~InFlightCall() { gateway_.leaveFlight(key_); }

void AliExpressGateway::enterFlight(const std::string& key) {
  std::lock_guard lock(flight_mu_);
  flight_.max = std::max(flight_.max, ++flight_.current);
  Gauge& g = flight_by_key_[key];
  g.max = std::max(g.max, ++g.current);
}

void AliExpressGateway::leaveFlight(const std::string& key) {
  std::lock_guard lock(flight_mu_);
  --flight_.current;
  --flight_by_key_[key].current;
}

AliExpressGateway::Gauge AliExpressGateway::inFlight() const {
  std::lock_guard lock(flight_mu_);
  return flight_;
}

std::map<std::string, AliExpressGateway::Gauge> AliExpressGateway::inFlightByAppKey() const {
  std::lock_guard lock(flight_mu_);
  return flight_by_key_;
}

std::map<std::string, AliExpressGateway::LimitStats> AliExpressGateway::limitStats() const {
  const auto now = std::chrono::steady_clock::now();
  const std::int64_t today = (clock_.nowMs() + kBeijingOffsetMs) / kDayMs;
  std::lock_guard lock(live_mu_);
  std::map<std::string, LimitStats> out;
  for (const auto& [key, a] : limits_) {
    LimitStats st = a.stats;
    if (a.day != today) st.daily_calls = 0;
    if (now < a.banned_until)
      st.banned_for_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(a.banned_until - now).count() + 1;
    out[key] = st;
  }
  return out;
}

AliExpressGateway::Admission AliExpressGateway::admit(const std::string& app_key) {
  using namespace std::chrono;
  const auto now = steady_clock::now();
  const std::int64_t sim_now = clock_.nowMs();
  const std::int64_t day = (sim_now + kBeijingOffsetMs) / kDayMs;
  std::lock_guard lock(live_mu_);
  AppLimit& a = limits_[app_key];
  Admission out;
  // A ban in force answers every call of the app key until it ends.
  if (now < a.banned_until) {
    ++a.stats.ban_answers;
    out.kind = Admission::Kind::RateBan;
    out.seconds = (duration_cast<milliseconds>(a.banned_until - now).count() + 999) / 1000;
    return out;
  }
  if (a.day != day) {
    a.day = day;
    a.stats.daily_calls = 0;
  }
  if (tuning_.app_daily_calls > 0 && a.stats.daily_calls >= tuning_.app_daily_calls) {
    ++a.stats.budget_answers;
    out.kind = Admission::Kind::DailyBudget;
    out.budget = tuning_.app_daily_calls;
    out.seconds = ((day + 1) * kDayMs - kBeijingOffsetMs - sim_now + 999) / 1000;
    return out;
  }
  if (tuning_.app_qps > 0.0) {
    const double burst = tuning_.burst();
    if (!a.started) {
      a.started = true;
      a.tokens = burst;
    } else {
      const double elapsed = duration<double>(now - a.refilled).count();
      a.tokens = std::min(burst, a.tokens + elapsed * tuning_.app_qps);
    }
    a.refilled = now;
    if (a.tokens < 1.0) {
      a.banned_until = now + seconds(tuning_.ban_seconds);
      ++a.stats.bans_started;
      ++a.stats.ban_answers;
      out.kind = Admission::Kind::RateBan;
      out.seconds = tuning_.ban_seconds;
      return out;
    }
    a.tokens -= 1.0;
  }
  ++a.stats.daily_calls;
  return out;
}

std::string AliExpressGateway::requestId() {
  char buf[40];
  std::snprintf(buf, sizeof buf, "21%011llx%06llu",
                static_cast<unsigned long long>(clock_.nowMs()),
                static_cast<unsigned long long>(++request_counter_ % 1000000));
  return buf;
}

void AliExpressGateway::count(const std::string& name) {
  std::lock_guard lock(mu_);
  ++calls_[name];
}

void AliExpressGateway::countError(const std::string& code) {
  std::lock_guard lock(mu_);
  ++errors_[code];
}

std::map<std::string, std::int64_t> AliExpressGateway::callCounts() const {
  std::lock_guard lock(mu_);
  return calls_;
}

std::map<std::string, std::int64_t> AliExpressGateway::errorCounts() const {
  std::lock_guard lock(mu_);
  return errors_;
}

bool AliExpressGateway::imageBytes(const std::string& path, std::string* bytes,
                                   std::string* content_type) const {
  std::lock_guard lock(mu_);
  const auto it = images_.find(path);
  if (it == images_.end()) return false;
  *content_type = it->second.first;
  *bytes = it->second.second;
  return true;
}

SimResponse AliExpressGateway::handle(const SimRequest& request) {
  try {
    if (request.path == "/sync" || request.path.rfind("/rest/", 0) == 0) {
      SimResponse r = request.path == "/sync" ? handleSync(request)
                                              : handleRest(request, request.path.substr(5));
      r.delay_ms += tuning().latency_ms;
      return r;
    }
    if (request.path == "/oauth/authorize") return handleAuthorizePage(request);
    if (request.path == "/oauth/authorize/approve") return handleAuthorizeApprove(request);
    return restError("InvalidApiPath", "The specified API path is invalid: " + request.path,
                     requestId(), 404);
  } catch (const std::exception& e) {
    return gatewayError("SYSTEM", "\"InternalError\"", "The request processing has failed",
                        "", e.what(), requestId());
  } catch (...) {
    return gatewayError("SYSTEM", "\"InternalError\"", "The request processing has failed", "",
                        "", requestId());
  }
}

SimResponse AliExpressGateway::handleSync(const SimRequest& req) {
  const std::string rid = requestId();
  const std::string method = param(req, "method");
  count(method.empty() ? "(no method)" : method);
  auto fail = [&](const std::string& type, const std::string& code, const std::string& msg,
                  const std::string& sub_code = "", const std::string& sub_msg = "") {
    countError(code);
    const bool numeric = !code.empty() && std::isdigit(static_cast<unsigned char>(code[0]));
    return gatewayError(type, numeric ? code : JsonWriter::quote(code), msg, sub_code, sub_msg,
                        rid);
  };
  auto missing = [&](const std::string& name) {
    return fail("ISV", "MissingParameter",
                "The input parameter \"" + name +
                    "\" that is mandatory for processing this request is not supplied",
                "isv.missing-parameter:" + name);
  };
  auto invalid = [&](const std::string& name, const std::string& detail) {
    return fail("ISV", "InvalidParameter", "The specified parameter \"" + name + "\" is invalid",
                "isv.invalid-parameter:" + name, detail);
  };
  auto refused = [&](const StoreResult& r) {
    return fail("ISP", "15", "Remote service error", r.sub_code, r.message);
  };

  // 1. Application and signature.
  const std::string app_key = param(req, "app_key");
  if (app_key.empty()) return fail("ISV", "MissingAppKey", "Missing app key");
  const auto secret = tokens_.secretFor(app_key);
  if (!secret) return fail("ISV", "InvalidAppKey", "Invalid app Key");
  if (method.empty()) return fail("ISV", "MissingMethod", "Missing method");
  static const std::vector<std::string> kMethods{kListMethod,      kDetailMethod,   kAgreeMethod,
                                                 kSaveMethod,      kUploadMethod,   kFindOrderMethod,
                                                 kTrackingMethod};
  if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end())
    return fail("ISV", "InvalidMethod", "Invalid method", "",
                "unknown API method \"" + method + "\"");
  const std::string sign_method = param(req, "sign_method");
  if (sign_method.empty()) return missing("sign_method");
  if (sign_method != "sha256")
    return fail("ISV", "InvalidSignMethod", "Invalid signature method", "",
                "expected sign_method sha256, got \"" + sign_method + "\"");
  const std::string ts = param(req, "timestamp");
  if (ts.empty()) return missing("timestamp");
  const auto ts_ms = parseInt64(ts);
  if (!ts_ms)
    return fail("ISV", "IllegalTimestamp", "Invalid timestamp", "",
                "expected epoch milliseconds, got \"" + ts + "\"");
  if (std::llabs(*ts_ms - clock_.nowMs()) > config_.timestamp_tolerance_ms)
    return fail("ISV", "IllegalTimestamp",
                "The timestamp differs from the platform time by more than 7200 seconds");
  const std::string sign = param(req, "sign");
  if (sign.empty() || !IopSignature::matches(IopSignature::sign(*secret, "", req.params), sign))
    return fail("ISV", "IncompleteSignature",
                "The request signature does not conform to platform standards");

  // 2. Seller token.
  std::string token = param(req, "access_token");
  if (token.empty()) token = param(req, "session");
  if (token.empty())
    return fail("ISV", "IllegalAccessToken", "The specified access token is invalid or expired",
                "", "access_token is missing");
  std::size_t store_index = 0;
  const auto state = tokens_.checkAccess(app_key, token, clock_.nowMs(), &store_index);
  if (state != TokenRegistry::TokenState::Valid)
    return fail("ISV", "IllegalAccessToken",
                "The specified access token is invalid or expired");

  // 3. Rate limits of the app key: a ban in force, the daily budget, the token bucket.
  const Admission admission = admit(app_key);
  if (admission.kind == Admission::Kind::RateBan)
    return fail("ISP", "ApiCallLimit", "App Call Limited",
                "accesscontrol.limited-by-app-api-access-count",
                "The frequency of app access to the api exceeds the limit. This ban will last " +
                    std::to_string(admission.seconds) + " seconds");
  if (admission.kind == Admission::Kind::DailyBudget)
    return fail("ISP", "ApiCallLimit", "App Call Limited",
                "accesscontrol.limited-by-app-access-count",
                "The app has used its " + std::to_string(admission.budget) +
                    " calls of the day (Beijing time). This ban will last " +
                    std::to_string(admission.seconds) + " seconds");

  // 4. Injected faults (only well-formed, authorised, admitted calls consume them).
  const FaultInjector::Decision fault = faults_.next();
  if (fault.kind == FaultKind::RateLimit) {
    SimResponse r = fail("ISP", "ApiCallLimit", "This ban will last 1 seconds", "",
                         "The request has exceeded the limit");
    r.delay_ms = fault.delay_ms;
    return r;
  }
  if (fault.kind == FaultKind::ServerError) {
    countError("http_" + std::to_string(fault.server_status));
    SimResponse r;
    r.status = fault.server_status;
    r.content_type = "text/html;charset=UTF-8";
    r.body = fault.server_status == 502
                 ? "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad "
                   "Gateway</h1></center><hr><center>Tengine</center></body></html>"
                 : "<html><head><title>500 Internal Server Error</title></head><body><center>"
                   "<h1>500 Internal Server Error</h1></center><hr><center>Tengine</center></body>"
                   "</html>";
    r.delay_ms = fault.delay_ms;
    return r;
  }
  if (fault.kind == FaultKind::RemoteError15) {
    SimResponse r = fail("ISP", "15", "Remote service error", "isp.remote-service-error",
                         "The remote service timed out; try again later");
    r.delay_ms = fault.delay_ms;
    return r;
  }

  // 5. Business method.
  const bool simplify = param(req, "simplify") == "true";
  DisputeStore& store = *stores_.at(store_index);
  const std::int64_t now = clock_.nowMs();
  SimResponse out;

  auto needId = [&](const std::string& name, std::int64_t* value) -> std::optional<SimResponse> {
    const std::string v = param(req, name);
    if (v.empty()) return missing(name);
    const auto n = parseInt64(v);
    if (!n || *n <= 0) return invalid(name, "expected " + name + " as integer, got \"" + v + "\"");
    *value = *n;
    return std::nullopt;
  };

  if (method == kListMethod) {
    const std::string q = param(req, "query_dto");
    if (q.empty()) return missing("query_dto");
    std::string err;
    const auto o = parseObject(q, &err);
    if (!o) return invalid("query_dto", err);
    std::int64_t page = 1;
    std::int64_t size = 20;
    if (auto t = memberText(o, "current_page")) {
      const auto n = parseInt64(*t);
      if (!n || *n < 1) return invalid("current_page", "expected an integer >= 1, got \"" + *t + "\"");
      page = *n;
    }
    if (auto t = memberText(o, "page_size")) {
      const auto n = parseInt64(*t);
      if (!n || *n < 1 || *n > 50)
        return invalid("page_size", "expected an integer between 1 and 50, got \"" + *t + "\"");
      size = *n;
    }
    std::string status = memberText(o, "issue_status").value_or("processing");
    if (status.empty()) status = "processing";
    if (status != "processing" && status != "canceled_issue" && status != "finish")
      return invalid("issue_status",
                     "expected processing, canceled_issue or finish, got \"" + status + "\"");
    if (page > 1000000) return invalid("current_page", "current_page too large");
    // A busy store: disputes move between statuses while a client pages through them.
    if (const int churn = tuning().churn_per_list_call; churn > 0) store.churn(churn, now);
    const auto result = store.list(status, static_cast<int>(page), static_cast<int>(size),
                                   memberText(o, "order_no").value_or(""),
                                   memberText(o, "buyer_login_id").value_or(""));
    out.body = businessBody(method, simplify, rid, [&](JsonWriter& w) {
      w.field("current_page", page);
      writeList(w, "data_list", "issue_api_issue_dto", simplify, result.items.size(),
                [&](std::size_t i) {
                  const Dispute& d = result.items[i];
                  w.beginObject();
                  w.field("buyer_login_id", d.buyer_login_id);
                  w.field("gmt_create", PacificTime::format(d.gmt_create));
                  w.field("gmt_modified", config_.blank_gmt_modified ? std::string() : PacificTime::format(d.gmt_modified));
                  w.field("issue_id", d.issue_id);
                  w.field("issue_status", d.issue_status);
                  w.field("order_id", d.order_id);
                  w.field("parent_order_id", d.parent_order_id);
                  w.field("reason_chinese", d.reason_chinese);
                  w.field("reason_english", d.reason_english);
                  w.endObject();
                });
      w.field("page_size", size);
      if (!config_.omit_total_item) w.field("total_item", result.total);
    });
  } else if (method == kDetailMethod) {
    const std::string buyer = param(req, "buyer_login_id");
    if (buyer.empty()) return missing("buyer_login_id");
    std::int64_t issue_id = 0;
    if (auto e = needId("issue_id", &issue_id)) return *e;
    const auto d = store.find(issue_id);
    if (!d || d->buyer_login_id != buyer)
      return refused(StoreResult::failure(
          "isv.issue-not-found", "no issue " + std::to_string(issue_id) +
                                     " for buyer_login_id \"" + buyer + "\""));
    out.body = businessBody(method, simplify, rid, [&](JsonWriter& w) {
      w.key("result_object");
      writeDetail(w, *d, simplify);
    });
  } else if (method == kAgreeMethod) {
    const std::string buyer = param(req, "buyer_login_id");
    if (buyer.empty()) return missing("buyer_login_id");
    std::int64_t issue_id = 0;
    std::int64_t solution_id = 0;
    if (auto e = needId("issue_id", &issue_id)) return *e;
    if (auto e = needId("solution_id", &solution_id)) return *e;
    const StoreResult r =
        store.agree(issue_id, buyer, solution_id, param(req, "return_address_id"), now);
    if (!r.ok) return refused(r);
    out.body = businessBody(method, simplify, rid,
                            [&](JsonWriter& w) { w.field("result_object", true); });
  } else if (method == kSaveMethod) {
    const std::string text = param(req, "param_dto");
    if (text.empty()) return missing("param_dto");
    std::string err;
    const auto o = parseObject(text, &err);
    if (!o) return invalid("param_dto", err);
    SaveSolutionInput in;
    const std::string add = lower(memberText(o, "add_seller_solution").value_or(""));
    if (add.empty()) return missing("add_seller_solution");
    if (add != "true" && add != "false")
      return invalid("add_seller_solution", "expected true or false, got \"" + add + "\"");
    in.add_seller_solution = add == "true";
    in.buyer_login_id = memberText(o, "buyer_login_id").value_or("");
    if (in.buyer_login_id.empty()) return missing("buyer_login_id");
    auto idMember = [&](const std::string& name, std::int64_t* v) -> std::optional<SimResponse> {
      const auto t = memberText(o, name);
      if (!t || t->empty()) return missing(name);
      const auto n = parseInt64(*t);
      if (!n || *n <= 0) return invalid(name, "expected " + name + " as integer, got \"" + *t + "\"");
      *v = *n;
      return std::nullopt;
    };
    if (auto e = idMember("issue_id", &in.issue_id)) return *e;
    if (in.add_seller_solution) {
      if (auto e = idMember("buyer_solution_id", &in.buyer_solution_id)) return *e;
    } else {
      if (auto e = idMember("modify_seller_solution_id", &in.modify_seller_solution_id)) return *e;
    }
    const auto amount = memberText(o, "refund_amount");
    if (!amount || amount->empty()) return missing("refund_amount");
    const auto cents = parseMoney(*amount);
    if (!cents)
      return invalid("refund_amount",
                     "expected a decimal amount with at most 2 decimals, got \"" + *amount + "\"");
    in.refund_cents = *cents;
    in.refund_currency = memberText(o, "refund_amount_currency").value_or("");
    if (in.refund_currency.empty()) return missing("refund_amount_currency");
    in.solution_context = memberText(o, "solution_context").value_or("");
    const bool blank = std::all_of(in.solution_context.begin(), in.solution_context.end(),
                                   [](unsigned char c) { return std::isspace(c) != 0; });
    if (blank) return missing("solution_context");
    if (in.solution_context.size() > 2000)
      return invalid("solution_context", "expected at most 2000 bytes, got " +
                                             std::to_string(in.solution_context.size()));
    in.solution_type = memberText(o, "add_solution_type").value_or("refund");
    if (in.solution_type.empty()) in.solution_type = "refund";
    if (in.solution_type != "refund" && in.solution_type != "return_and_refund")
      return invalid("add_solution_type",
                     "expected refund or return_and_refund, got \"" + in.solution_type + "\"");
    in.return_address_id = memberText(o, "return_good_address_id").value_or("");
    const StoreResult r = store.saveSolution(in, now);
    if (!r.ok) return refused(r);
    out.body = businessBody(method, simplify, rid,
                            [&](JsonWriter& w) { w.field("result_object", true); });
  } else if (method == kFindOrderMethod) {
    const std::string text = param(req, "param1");
    if (text.empty()) return missing("param1");
    std::string err;
    const auto o = parseObject(text, &err);
    if (!o) return invalid("param1", err);
    const auto t = memberText(o, "order_id");
    if (!t || t->empty()) return missing("order_id");
    const auto order_id = parseInt64(*t);
    if (!order_id || *order_id <= 0)
      return invalid("order_id", "expected order_id as integer, got \"" + *t + "\"");
    const auto d = store.findByOrder(*order_id);
    if (!d)
      return refused(StoreResult::failure("isv.order-not-found",
                                          "no order " + std::to_string(*order_id) + " of this seller"));
    const OrderLogistics logistics = logisticsOf(*d);
    out.body = businessBody(method, simplify, rid, [&](JsonWriter& w) {
      w.key("target");
      writeOrder(w, *d, logistics, simplify);
      w.field("time_stamp", PacificTime::format(now));
    });
  } else if (method == kTrackingMethod) {
    for (const char* name : {"logistics_no", "origin", "out_ref", "service_name", "to_area"})
      if (param(req, name).empty()) return missing(name);
    const std::string number = param(req, "logistics_no");
    const std::string ref = param(req, "out_ref");
    const auto order_id = parseInt64(ref);
    std::optional<Dispute> d;
    if (order_id && *order_id > 0) d = store.findByOrder(*order_id);
    const std::optional<OrderLogistics> logistics =
        d ? std::optional<OrderLogistics>(logisticsOf(*d)) : std::nullopt;
    // The carrier answers only for its own number and service on that order.
    const bool known = logistics && logistics->logistics_no == number &&
                       logistics->service_code == param(req, "service_name") &&
                       param(req, "origin") == "ESCROW";
    out.body = businessBody(method, simplify, rid, [&](JsonWriter& w) {
      const std::size_t n = known ? logistics->events.size() : 0;
      writeList(w, "details", "details", simplify, n, [&](std::size_t i) {
        const TrackingEventRecord& e = logistics->events[i];
        w.beginObject();
        w.field("address", e.address);
        w.field("event_date", PacificTime::format(e.at));
        w.field("event_desc", e.description);
        if (!e.signed_name.empty()) w.field("signed_name", e.signed_name);
        w.field("status", e.status);
        w.endObject();
      });
      if (!known) w.field("error_desc", "No tracking information for " + number);
      if (known) w.field("official_website", logistics->official_website);
      w.field("result_success", known);
    });
  } else {  // kUploadMethod
    const std::string buyer = param(req, "buyer_login_id");
    if (buyer.empty()) return missing("buyer_login_id");
    std::int64_t issue_id = 0;
    if (auto e = needId("issue_id", &issue_id)) return *e;
    std::string ext = lower(param(req, "extension"));
    if (ext.empty()) return missing("extension");
    if (!ext.empty() && ext[0] == '.') ext.erase(0, 1);
    if (ext != "jpg" && ext != "jpeg" && ext != "png")
      return invalid("extension", "expected jpg, jpeg or png, got \"" + ext + "\"");
    const auto f = req.files.find("image_bytes");
    if (f == req.files.end()) return missing("image_bytes");
    const std::string& bytes = f->second.bytes;
    const bool jpeg = bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xFF &&
                      static_cast<unsigned char>(bytes[1]) == 0xD8 &&
                      static_cast<unsigned char>(bytes[2]) == 0xFF;
    const bool png = bytes.size() >= 8 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0;
    if (!jpeg && !png)
      return invalid("image_bytes", "expected JPEG or PNG bytes (FF D8 FF or 89 50 4E 47), got " +
                                        hexPrefix(bytes, 4));
    if ((png && ext != "png") || (jpeg && ext == "png"))
      return invalid("extension", std::string("extension \"") + ext + "\" does not match the " +
                                      (png ? "PNG" : "JPEG") + " content");
    if (bytes.size() > 5 * 1024 * 1024)
      return invalid("image_bytes", "expected at most 5 MiB, got " + std::to_string(bytes.size()) +
                                        " bytes");
    std::string path;
    const StoreResult r = store.addImage(issue_id, buyer, ext, now, &path);
    if (!r.ok) return refused(r);
    {
      std::lock_guard lock(mu_);
      images_[path] = {png ? "image/png" : "image/jpeg", bytes};
    }
    out.body = businessBody(method, simplify, rid,
                            [&](JsonWriter& w) { w.field("result_object", true); });
  }

  out.delay_ms = fault.delay_ms;
  if (fault.truncate) out.body.resize(out.body.size() / 2);
  return out;
}

SimResponse AliExpressGateway::handleRest(const SimRequest& req, const std::string& api_path) {
  const std::string rid = requestId();
  count(api_path);
  auto fail = [&](const std::string& code, const std::string& message) {
    countError(code);
    return restError(code, message, rid);
  };
  if (api_path != "/auth/token/create" && api_path != "/auth/token/refresh")
    return fail("InvalidApiPath", "The specified API path is invalid: " + api_path);
  const std::string app_key = param(req, "app_key");
  if (app_key.empty()) return fail("MissingAppKey", "Missing app key");
  const auto secret = tokens_.secretFor(app_key);
  if (!secret) return fail("InvalidAppKey", "Invalid app Key");
  const std::string sign_method = param(req, "sign_method");
  if (sign_method != "sha256")
    return fail("InvalidSignMethod", "expected sign_method sha256, got \"" + sign_method + "\"");
  const auto ts = parseInt64(param(req, "timestamp"));
  if (!ts) return fail("IllegalTimestamp", "expected timestamp as epoch milliseconds");
  if (std::llabs(*ts - clock_.nowMs()) > config_.timestamp_tolerance_ms)
    return fail("IllegalTimestamp",
                "The timestamp differs from the platform time by more than 7200 seconds");
  const std::string sign = param(req, "sign");
  if (sign.empty() ||
      !IopSignature::matches(IopSignature::sign(*secret, api_path, req.params), sign))
    return fail("IncompleteSignature",
                "The request signature does not conform to platform standards");

  const std::int64_t now = clock_.nowMs();
  std::optional<TokenGrant> grant;
  if (api_path == "/auth/token/create") {
    const std::string code = param(req, "code");
    if (code.empty()) return fail("MissingParameter", "The input parameter \"code\" is missing");
    grant = tokens_.exchangeCode(app_key, code, now);
    if (!grant) return fail("InvalidCode", "The authorization code is invalid, used or expired");
  } else {
    const std::string refresh = param(req, "refresh_token");
    if (refresh.empty())
      return fail("MissingParameter", "The input parameter \"refresh_token\" is missing");
    grant = tokens_.refresh(app_key, refresh, now);
    if (!grant)
      return fail("IllegalRefreshToken", "The specified refresh token is invalid or expired");
  }
  const SimStoreConfig& s = config_.stores.at(grant->store_index);
  JsonWriter w;
  w.beginObject();
  w.field("refresh_token_valid_time", grant->refresh_expires_ms);
  w.field("havana_id", "1" + s.seller_id.substr(1));
  w.field("expire_time", grant->access_expires_ms);
  w.field("locale", "pt_BR");
  w.field("user_nick", s.user_nick);
  w.field("access_token", grant->access_token);
  w.field("refresh_token", grant->refresh_token);
  w.field("user_id", s.seller_id);
  w.field("account_platform", "seller_center");
  w.field("refresh_expires_in", (grant->refresh_expires_ms - now) / 1000);
  w.field("expires_in", (grant->access_expires_ms - now) / 1000);
  w.field("sp", "ae");
  w.field("seller_id", s.seller_id);
  w.field("account", s.user_nick + "@example.com");
  w.field("code", "0");
  w.field("request_id", rid);
  w.endObject();
  return jsonResponse(w.str());
}

SimResponse AliExpressGateway::handleAuthorizePage(const SimRequest& req) {
  count("/oauth/authorize");
  SimResponse r;
  r.content_type = "text/html;charset=UTF-8";
  const std::string client_id = param(req, "client_id");
  const std::string redirect = param(req, "redirect_uri");
  const std::string state = param(req, "state");
  std::string problem;
  if (param(req, "response_type") != "code")
    problem = "response_type must be \"code\", got \"" + param(req, "response_type") + "\"";
  else if (!tokens_.secretFor(client_id))
    problem = "unknown client_id \"" + client_id + "\"";
  else if (redirect.rfind("http://", 0) != 0 && redirect.rfind("https://", 0) != 0)
    problem = "redirect_uri must be an http(s) URL, got \"" + redirect + "\"";
  if (!problem.empty()) {
    r.status = 400;
    r.body = "<!DOCTYPE html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\"><title>Erro de "
             "autorização</title></head><body><h1>Não foi possível autorizar</h1><p id=\"error\">" +
             htmlEscape(problem) + "</p></body></html>";
    return r;
  }
  r.body =
      "<!DOCTYPE html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\">"
      "<title>AliExpress (simulador) — Autorizar aplicativo</title></head><body>"
      "<h1>Autorizar acesso à sua loja</h1>"
      "<p>O aplicativo <strong id=\"client\">" + htmlEscape(client_id) +
      "</strong> quer acessar as disputas da sua loja.</p>"
      "<p>Você será redirecionado para <code id=\"redirect\">" + htmlEscape(redirect) +
      "</code>.</p>"
      "<form method=\"post\" action=\"/oauth/authorize/approve\">"
      "<input type=\"hidden\" name=\"client_id\" value=\"" + htmlEscape(client_id) + "\">"
      "<input type=\"hidden\" name=\"redirect_uri\" value=\"" + htmlEscape(redirect) + "\">"
      "<input type=\"hidden\" name=\"state\" value=\"" + htmlEscape(state) + "\">"
      "<button type=\"submit\" name=\"decision\" value=\"approve\" id=\"approve\">Autorizar</button> "
      "<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Cancelar</button>"
      "</form></body></html>";
  return r;
}

SimResponse AliExpressGateway::handleAuthorizeApprove(const SimRequest& req) {
  count("/oauth/authorize/approve");
  const std::string client_id = param(req, "client_id");
  const std::string redirect = param(req, "redirect_uri");
  const std::string state = param(req, "state");
  SimResponse r;
  r.content_type = "text/html;charset=UTF-8";
  if (req.verb != "POST" || !tokens_.secretFor(client_id) ||
      (redirect.rfind("http://", 0) != 0 && redirect.rfind("https://", 0) != 0)) {
    r.status = 400;
    r.body = "<!DOCTYPE html><html><body><p id=\"error\">Pedido de autorização inválido.</p>"
             "</body></html>";
    return r;
  }
  std::string location = redirect + (redirect.find('?') == std::string::npos ? "?" : "&");
  if (param(req, "decision") == "deny") {
    location += "error=access_denied";
  } else {
    location += "code=" + urlEncode(tokens_.issueCode(client_id, clock_.nowMs()));
  }
  if (!state.empty()) location += "&state=" + urlEncode(state);
  r.status = 302;
  r.headers.emplace_back("Location", location);
  r.body = "<!DOCTYPE html><html><body><a href=\"" + htmlEscape(location) +
           "\">Continuar</a></body></html>";
  return r;
}

}  // namespace sac::sim
