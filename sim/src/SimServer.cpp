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
#include <Poco/URI.h>

#include <cctype>
#include <chrono>
#include <iostream>
#include <thread>

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
      if (type.rfind("application/x-www-form-urlencoded", 0) == 0 ||
          type.rfind("multipart/form-data", 0) == 0) {
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
    try {
      if (out.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(out.delay_ms));
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
  socket.listen(64);
  port_ = socket.address().port();
  amazon_->setBaseUrl(baseUrl());
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(16);
  params->setMaxQueued(128);
  params->setKeepAlive(true);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new SimHandlerFactory(*this), socket, params);
  server_->start();
}

void SimServer::stop() {
  if (!server_) return;
  try {
    server_->stopAll(true);
  } catch (...) {
  }
  server_.reset();
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
      w.endObject();
      return controlJson(200, w.str());
    }
    if (p == "/_sim/stats" && req.verb == "GET") {
      JsonWriter w;
      w.beginObject();
      writeCounts(w, "calls", gateway_->callCounts());
      writeCounts(w, "errors", gateway_->errorCounts());
      writeCounts(w, "faults_served", gateway_->faults().served());
      writeCounts(w, "faults_pending", gateway_->faults().pending());
      w.key("stores").beginArray();
      for (std::size_t i = 0; i < gateway_->storeCount(); ++i) {
        w.beginObject();
        w.field("app_key", config_.stores[i].app_key);
        writeCounts(w, "disputes", gateway_->disputes(i).countByStatus());
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
                           .touch(static_cast<int>(count), clock_.nowMs());
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

}  // namespace sac::sim
