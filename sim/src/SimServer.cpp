#include "sac/sim/SimServer.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <optional>

#include "sac/sim/JsonWriter.h"
#include "sac/sim/PacificTime.h"

namespace sac::sim {
namespace {

/// Collects multipart file parts (parts with a filename) into SimRequest::files.
class FilePartCollector : public Poco::Net::PartHandler {
public:
  explicit FilePartCollector(std::map<std::string, SimFilePart>& files) : files_(files) {}
  void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
    std::string disposition;
    Poco::Net::NameValueCollection params;
    if (header.has("Content-Disposition"))
      Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition"), disposition,
                                                params);
    SimFilePart part;
    part.filename = params.get("filename", "");
    part.content_type = header.get("Content-Type", "application/octet-stream");
    Poco::StreamCopier::copyToString(stream, part.bytes);
    files_[params.get("name", "")] = std::move(part);
  }

private:
  std::map<std::string, SimFilePart>& files_;
};

class SimRequestHandler : public Poco::Net::HTTPRequestHandler {
public:
  explicit SimRequestHandler(SimServer& server) : server_(server) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    SimResponse out;
    // A business call is in flight from the decoded request until just before its answer
    // is written, added latency included.
    std::optional<AliExpressGateway::InFlightCall> flight;
    try {
      SimRequest req;
      req.verb = request.getMethod();
      const Poco::URI uri(request.getURI());
      req.path = uri.getPath();
      for (const auto& [k, v] : request) {
        std::string name = k;
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        req.headers[name] = v;
      }
      for (const auto& [k, v] : uri.getQueryParameters()) req.params.emplace(k, v);
      const std::string type = request.getContentType();
      // Control bodies are JSON whatever the client calls them (curl -d says form).
      const bool control = req.path.rfind("/_sim/", 0) == 0;
      if (!control && (type.rfind("application/x-www-form-urlencoded", 0) == 0 ||
                       type.rfind("multipart/form-data", 0) == 0)) {
        FilePartCollector collector(req.files);
        Poco::Net::HTMLForm form;
        form.setFieldLimit(1000);
        form.load(request, request.stream(), collector);
        for (const auto& [k, v] : form) req.params[k] = v;
        // A file sent without a filename arrives as a field; it is still a file parameter.
        const auto bytes = req.params.find("image_bytes");
        if (bytes != req.params.end() && req.files.find("image_bytes") == req.files.end()) {
          req.files["image_bytes"] = SimFilePart{"", "application/octet-stream", bytes->second};
          req.params.erase(bytes);
        }
      } else {
        Poco::StreamCopier::copyToString(request.stream(), req.body);
      }
      if (req.path == "/sync") {
        const auto key = req.params.find("app_key");
        flight.emplace(server_.aliexpress(),
                       key == req.params.end() ? std::string() : key->second);
      }
      out = server_.dispatch(req);
      if (server_.config().verbose)
        std::cerr << req.verb << ' ' << req.path << ' '
                  << (req.params.count("method") ? req.params.at("method") : std::string())
                  << " -> " << out.status << '\n';
    } catch (const Poco::Exception& e) {
      out.status = 400;
      out.body = "{\"error\":" + JsonWriter::quote("malformed request: " + e.displayText()) + "}";
    } catch (const std::exception& e) {
      out.status = 400;
      out.body = "{\"error\":" + JsonWriter::quote(std::string("malformed request: ") + e.what()) +
                 "}";
    }
    if (out.delay_ms > 0) server_.pause(out.delay_ms);
    flight.reset();
    try {
      response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
      response.setContentType(out.content_type);
      for (const auto& [k, v] : out.headers) response.set(k, v);
      response.sendBuffer(out.body.data(), out.body.size());
    } catch (...) {
      // The client went away; nothing to report to.
    }
  }

private:
  SimServer& server_;
};

class SimHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
  explicit SimHandlerFactory(SimServer& server) : server_(server) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new SimRequestHandler(server_);
  }

private:
  SimServer& server_;
};

SimResponse controlJson(int status, const std::string& body) {
  SimResponse r;
  r.status = status;
  r.body = body;
  return r;
}

SimResponse controlError(int status, const std::string& message) {
  return controlJson(status, "{\"error\":" + JsonWriter::quote(message) + "}");
}

void writeCounts(JsonWriter& w, const char* key, const std::map<std::string, std::int64_t>& m) {
  w.key(key).beginObject();
  for (const auto& [k, v] : m) w.field(k, v);
  w.endObject();
}

std::int64_t intMember(const Poco::JSON::Object::Ptr& o, const std::string& k,
                       std::int64_t fallback) {
  if (!o->has(k)) return fallback;
  return o->get(k).convert<std::int64_t>();
}

std::string number(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

void writeTuning(JsonWriter& w, const GatewayTuning& t) {
  w.beginObject();
  w.field("latency_ms", t.latency_ms);
  w.field("churn_per_list_call", t.churn_per_list_call);
  w.key("app_qps").raw(number(t.app_qps));
  w.field("app_burst", t.app_burst);
  w.field("ban_seconds", t.ban_seconds);
  w.field("app_daily_calls", t.app_daily_calls);
  w.endObject();
}

/// Applies the members of a POST /_sim/config (or /_sim/faults, `only_latency`) body to
/// `t`. Returns an error text for an unknown member or a value out of range, "" when fine.
std::string applyTuning(const Poco::JSON::Object::Ptr& body, GatewayTuning& t,
                        bool only_latency) {
  auto whole = [&](const std::string& k, std::int64_t lo, std::int64_t hi,
                   std::int64_t* out) -> std::string {
    const double v = body->get(k).convert<double>();
    if (!(v >= static_cast<double>(lo) && v <= static_cast<double>(hi)) || v != std::floor(v))
      return "expected " + k + " as a whole number between " + std::to_string(lo) + " and " +
             std::to_string(hi) + ", got " + body->get(k).convert<std::string>();
    *out = static_cast<std::int64_t>(v);
    return "";
  };
  for (const auto& [k, unused] : *body) {
    std::int64_t n = 0;
    std::string err;
    if (k == "latency_ms") {
      err = whole(k, 0, 600'000, &n);
      t.latency_ms = static_cast<int>(n);
    } else if (only_latency) {
      continue;  // the fault members
    } else if (k == "churn_per_list_call") {
      err = whole(k, 0, 1000, &n);
      t.churn_per_list_call = static_cast<int>(n);
    } else if (k == "app_qps") {
      const double v = body->get(k).convert<double>();
      if (!(v >= 0.0 && v <= 1e6))
        return "expected app_qps between 0 and 1000000, got " + body->get(k).convert<std::string>();
      t.app_qps = v;
    } else if (k == "app_burst") {
      err = whole(k, 0, 1'000'000, &n);
      t.app_burst = static_cast<int>(n);
    } else if (k == "ban_seconds") {
      err = whole(k, 1, 86'400, &n);
      t.ban_seconds = static_cast<int>(n);
    } else if (k == "app_daily_calls") {
      err = whole(k, 0, 1'000'000'000'000LL, &n);
      t.app_daily_calls = n;
    } else {
      return "unknown setting \"" + k +
             "\"; expected latency_ms, churn_per_list_call, app_qps, app_burst, ban_seconds or "
             "app_daily_calls";
    }
    if (!err.empty()) return err;
  }
  return "";
}

}  // namespace

SimServer::SimServer(SimConfig config)
    : config_(std::move(config)),
      clock_(config_.fixed_now_ms),
      gateway_(std::make_unique<AliExpressGateway>(config_, clock_)),
      amazon_(std::make_unique<AmazonGateway>(config_, clock_)) {}

SimServer::~SimServer() { stop(); }

void SimServer::start() {
  if (server_) return;
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress(config_.host, config_.port), true);
  socket.listen(512);
  port_ = socket.address().port();
  amazon_->setBaseUrl(baseUrl());
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = false;
  }
  // Every open (kept-alive) connection holds a worker thread; a connection beyond the
  // threads waits in the queue until one closes. The server's own pool, not Poco's
  // default one (16 threads, shared with the rest of the process).
  const int threads = std::max(4, config_.http_threads);
  pool_ = std::make_unique<Poco::ThreadPool>(2, threads, 60);
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(threads);
  params->setMaxQueued(4096);
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(0);  // unlimited requests per connection
  params->setKeepAliveTimeout(Poco::Timespan(15, 0));
  server_ = std::make_unique<Poco::Net::HTTPServer>(new SimHandlerFactory(*this), *pool_, socket,
                                                    params);
  server_->start();
}

void SimServer::stop() {
  if (!server_) return;
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  try {
    server_->stopAll(true);
    pool_->joinAll();  // handlers still running finish before the server goes away
  } catch (...) {
  }
  server_.reset();
  pool_.reset();
}

void SimServer::pause(int ms) {
  std::unique_lock lock(stop_mu_);
  stop_cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

bool SimServer::running() const { return server_ != nullptr; }

std::uint16_t SimServer::port() const { return port_; }

std::string SimServer::baseUrl() const {
  return "http://" + (config_.host == "0.0.0.0" ? std::string("127.0.0.1") : config_.host) + ":" +
         std::to_string(port_);
}

SimResponse SimServer::dispatch(const SimRequest& request) {
  try {
    if (AmazonGateway::owns(request.path)) return amazon_->handle(request);
    if (request.path.rfind("/_sim/", 0) == 0) return handleControl(request);
    return gateway_->handle(request);
  } catch (const std::exception& e) {
    return controlError(500, std::string("internal error: ") + e.what());
  } catch (...) {
    return controlError(500, "internal error");
  }
}

SimResponse SimServer::handleControl(const SimRequest& req) {
  const std::string& p = req.path;
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  if (req.verb == "POST" && !req.body.empty()) {
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
    if (p == "/_sim/health") return controlJson(200, "{\"ok\":true}");
    if (p == "/_sim/faults" && req.verb == "POST") {
      GatewayTuning tuning = gateway_->tuning();
      if (const std::string err = applyTuning(body, tuning, true); !err.empty())
        return controlError(400, err);
      gateway_->setTuning(tuning);
      auto n = [&](const char* k) { return static_cast<int>(intMember(body, k, 0)); };
      const int slow_ms = n("slow_ms");
      int slow_calls = n("slow");
      if (slow_ms > 0 && slow_calls == 0 && !body->has("slow")) slow_calls = 1;
      gateway_->faults().arm(n("rate_limit"), n("server_error"), n("remote_error_15"), slow_calls,
                             slow_ms, n("truncate"));
      bool expired = false;
      if (body->has("expire_tokens") && body->get("expire_tokens").convert<bool>()) {
        gateway_->tokens().expireAllAccessTokens();
        amazon_->lwa().expireAll();
        expired = true;
      }
      JsonWriter w;
      w.beginObject();
      writeCounts(w, "pending", gateway_->faults().pending());
      w.field("tokens_expired", expired);
      w.field("latency_ms", tuning.latency_ms);
      w.endObject();
      return controlJson(200, w.str());
    }
    if (p == "/_sim/config" && (req.verb == "GET" || req.verb == "POST")) {
      GatewayTuning tuning = gateway_->tuning();
      if (req.verb == "POST") {
        if (const std::string err = applyTuning(body, tuning, false); !err.empty())
          return controlError(400, err);
        gateway_->setTuning(tuning);
      }
      JsonWriter w;
      writeTuning(w, tuning);
      return controlJson(200, w.str());
    }
    if (p == "/_sim/stats/reset" && req.verb == "POST") {
      gateway_->resetStats();
      return controlJson(200, "{\"reset\":true}");
    }
    if (p == "/_sim/disputes" && req.verb == "GET") return groundTruth(req);
    if (p == "/_sim/stats" && req.verb == "GET") {
      JsonWriter w;
      w.beginObject();
      writeCounts(w, "calls", gateway_->callCounts());
      writeCounts(w, "errors", gateway_->errorCounts());
      writeCounts(w, "faults_served", gateway_->faults().served());
      writeCounts(w, "faults_pending", gateway_->faults().pending());
      const auto flight = gateway_->inFlight();
      w.key("in_flight").beginObject();
      w.field("current", flight.current).field("max", flight.max);
      w.key("by_app_key").beginObject();
      for (const auto& [key, g] : gateway_->inFlightByAppKey()) {
        w.key(key).beginObject().field("current", g.current).field("max", g.max).endObject();
      }
      w.endObject().endObject();
      {
        AliExpressGateway::LimitStats total;
        const auto limits = gateway_->limitStats();
        for (const auto& [key, l] : limits) {
          total.bans_started += l.bans_started;
          total.ban_answers += l.ban_answers;
          total.budget_answers += l.budget_answers;
        }
        w.key("limits").beginObject();
        w.field("bans_started", total.bans_started);
        w.field("ban_answers", total.ban_answers);
        w.field("budget_answers", total.budget_answers);
        w.key("by_app_key").beginObject();
        for (const auto& [key, l] : limits) {
          w.key(key).beginObject();
          w.field("bans_started", l.bans_started);
          w.field("ban_answers", l.ban_answers);
          w.field("budget_answers", l.budget_answers);
          w.field("daily_calls", l.daily_calls);
          w.field("banned_for_ms", l.banned_for_ms);
          w.endObject();
        }
        w.endObject().endObject();
      }
      w.key("settings");
      writeTuning(w, gateway_->tuning());
      if (server_) {
        w.key("http").beginObject();
        w.field("max_threads", server_->maxThreads());
        w.field("threads", server_->currentThreads());
        w.field("connections", server_->currentConnections());
        w.field("max_connections", server_->maxConcurrentConnections());
        w.field("connections_total", server_->totalConnections());
        w.field("queued", server_->queuedConnections());
        w.field("refused", server_->refusedConnections());
        w.endObject();
      }
      w.key("stores").beginArray();
      for (std::size_t i = 0; i < gateway_->storeCount(); ++i) {
        w.beginObject();
        w.field("app_key", config_.stores[i].app_key);
        writeCounts(w, "disputes", gateway_->disputes(i).countByStatus());
        writeCounts(w, "churn", gateway_->disputes(i).churnCounts());
        w.endObject();
      }
      w.endArray();
      w.key("amazon").beginObject();
      writeCounts(w, "calls", amazon_->callCounts());
      writeCounts(w, "errors", amazon_->errorCounts());
      writeCounts(w, "faults_served", amazon_->faults().served());
      writeCounts(w, "faults_pending", amazon_->faults().pending());
      w.endObject();
      w.field("now_ms", clock_.nowMs());
      w.field("now_pacific", PacificTime::format(clock_.nowMs()));
      w.field("clock_offset_ms", clock_.offsetMs());
      w.endObject();
      return controlJson(200, w.str());
    }
    if (p == "/_sim/reset" && req.verb == "POST") {
      clock_.resetOffset();
      gateway_->reset();
      amazon_->reset();
      return controlJson(200, "{\"reset\":true}");
    }
    if (p == "/_sim/advance" && req.verb == "POST") {
      const std::int64_t minutes = intMember(body, "minutes", 0);
      if (minutes < 0) return controlError(400, "expected minutes >= 0");
      clock_.advanceMs(minutes * 60'000);
      JsonWriter w;
      w.beginObject().field("now_ms", clock_.nowMs()).field("clock_offset_ms", clock_.offsetMs());
      w.endObject();
      return controlJson(200, w.str());
    }
    if (p == "/_sim/touch" && req.verb == "POST") {
      const auto count = intMember(body, "count", 1);
      const auto store = intMember(body, "store", 0);
      if (store < 0 || static_cast<std::size_t>(store) >= gateway_->storeCount())
        return controlError(400, "expected store between 0 and " +
                                     std::to_string(gateway_->storeCount() - 1));
      const auto ids = gateway_->disputes(static_cast<std::size_t>(store))
                           .touch(static_cast<int>(count), clock_.nowMs(),
                                  body->has("quiet") && body->getValue<bool>("quiet"));
      JsonWriter w;
      w.beginObject().key("touched").beginArray();
      for (auto id : ids) w.value(id);
      w.endArray().endObject();
      return controlJson(200, w.str());
    }
    if (p == "/_sim/code" && req.verb == "POST") {
      const std::string app_key =
          body->has("app_key") ? body->getValue<std::string>("app_key") : config_.stores[0].app_key;
      if (!gateway_->tokens().secretFor(app_key))
        return controlError(400, "unknown app_key \"" + app_key + "\"");
      JsonWriter w;
      w.beginObject().field("code", gateway_->tokens().issueCode(app_key, clock_.nowMs()));
      w.endObject();
      return controlJson(200, w.str());
    }
    if (p.rfind("/_sim/images/", 0) == 0 && req.verb == "GET") {
      SimResponse r;
      if (!gateway_->imageBytes(p, &r.body, &r.content_type))
        return controlError(404, "no uploaded image at " + p);
      return r;
    }
  } catch (const Poco::Exception& e) {
    return controlError(400, "invalid control request: " + e.displayText());
  }
  return controlError(404, "unknown control endpoint " + req.verb + " " + p);
}

SimResponse SimServer::groundTruth(const SimRequest& req) {
  std::size_t store = 0;
  if (const auto it = req.params.find("store"); it != req.params.end()) {
    const std::string& v = it->second;
    std::size_t n = 0;
    const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || r.ec != std::errc() || r.ptr != v.data() + v.size() ||
        n >= gateway_->storeCount())
      return controlError(400, "expected store between 0 and " +
                                   std::to_string(gateway_->storeCount() - 1) + ", got \"" +
                                   v.substr(0, 40) + "\"");
    store = n;
  }
  std::string status;
  if (const auto it = req.params.find("status"); it != req.params.end()) {
    status = it->second;
    if (status != "processing" && status != "canceled_issue" && status != "finish")
      return controlError(400, "expected status processing, canceled_issue or finish, got \"" +
                                   status.substr(0, 40) + "\"");
  }
  DisputeStore& disputes = gateway_->disputes(store);
  const auto rows = disputes.truth();
  JsonWriter w;
  w.beginObject();
  w.field("store", static_cast<std::int64_t>(store));
  w.field("app_key", config_.stores[store].app_key);
  w.field("now_ms", clock_.nowMs());
  std::map<std::string, std::int64_t> counts{{"processing", 0}, {"canceled_issue", 0}, {"finish", 0}};
  for (const auto& r : rows) ++counts[r.issue_status];
  writeCounts(w, "counts", counts);
  w.key("disputes").beginArray();
  std::int64_t listed = 0;
  for (const auto& r : rows) {
    if (!status.empty() && r.issue_status != status) continue;
    ++listed;
    w.beginObject();
    w.field("issue_id", r.issue_id);
    w.field("buyer_login_id", r.buyer_login_id);
    w.field("issue_status", r.issue_status);
    w.field("reverse_detail_status", r.fine_status);
    w.field("issue_reason_id", static_cast<std::int64_t>(r.reason_id));
    w.field("parent_order_id", r.parent_order_id);
    w.field("logistics", r.logistics);
    w.field("gmt_create", PacificTime::format(r.gmt_create));
    w.field("gmt_modified", PacificTime::format(r.gmt_modified));
    w.field("gmt_modified_ms", r.gmt_modified);
    w.field("timeout_trigger_time", PacificTime::format(r.deadline));
    w.endObject();
  }
  w.endArray();
  w.field("total", listed);
  w.endObject();
  return controlJson(200, w.str());
}

}  // namespace sac::sim
