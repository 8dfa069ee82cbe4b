#include "IopTestClient.h"

#include <Poco/HMACEngine.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StreamCopier.h>

#include <cctype>
#include <cstdio>
#include <sstream>

namespace sac::sim::test {

namespace {
class Sha256Engine : public Poco::SHA2Engine {
public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};
}  // namespace

Poco::JSON::Object::Ptr Reply::json() const {
  try {
    Poco::JSON::Parser parser;
    const auto v = parser.parse(body);
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
  } catch (...) {
  }
  return nullptr;
}

IopTestClient::IopTestClient(std::uint16_t port, std::string key, std::string sec,
                             std::function<std::int64_t()> now_ms)
    : app_key(std::move(key)), secret(std::move(sec)), now(std::move(now_ms)), port_(port) {}

std::string IopTestClient::sign(const std::string& secret, const std::string& prefix,
                                const Params& params) {
  std::string data = prefix;
  for (const auto& [k, v] : params) {
    if (k == "sign") continue;
    data += k + v;
  }
  Poco::HMACEngine<Sha256Engine> hmac(secret);
  hmac.update(data);
  std::string hex = Poco::DigestEngine::digestToHex(hmac.digest());
  for (auto& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return hex;
}

IopTestClient::Params IopTestClient::signedSync(const std::string& method, const Params& business,
                                                const std::string& access_token) const {
  Params p = business;
  p["method"] = method;
  p["app_key"] = app_key;
  p["timestamp"] = std::to_string(now());
  p["sign_method"] = "sha256";
  if (!access_token.empty()) p["access_token"] = access_token;
  p["sign"] = sign(secret, "", p);
  return p;
}

Reply IopTestClient::sync(const std::string& method, const Params& business,
                          const std::string& access_token, bool simplify) const {
  Params b = business;
  if (simplify) b["simplify"] = "true";
  return postForm("/sync", signedSync(method, b, access_token));
}

Reply IopTestClient::rest(const std::string& api_path, const Params& business) const {
  Params p = business;
  p["app_key"] = app_key;
  p["timestamp"] = std::to_string(now());
  p["sign_method"] = "sha256";
  p["sign"] = sign(secret, api_path, p);
  return postForm("/rest" + api_path, p);
}

std::string IopTestClient::urlEncode(const std::string& s) {
  std::string o;
  char buf[4];
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      o += static_cast<char>(c);
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      o += buf;
    }
  }
  return o;
}

std::string IopTestClient::formEncode(const Params& p) {
  std::string o;
  for (const auto& [k, v] : p) {
    if (!o.empty()) o += '&';
    o += urlEncode(k) + "=" + urlEncode(v);
  }
  return o;
}

Reply IopTestClient::postForm(const std::string& path_and_query, const Params& form) const {
  return send("POST", path_and_query, "application/x-www-form-urlencoded;charset=utf-8",
              formEncode(form));
}

Reply IopTestClient::postMultipart(const std::string& path, const Params& fields,
                                   const std::string& file_field, const std::string& filename,
                                   const std::string& bytes) const {
  const std::string boundary = "----sacSimBoundary7MA4YWxkTrZu0gW";
  std::string body;
  for (const auto& [k, v] : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" +
            v + "\r\n";
  }
  if (!file_field.empty()) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file_field +
            "\"; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
    body += bytes;
    body += "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return send("POST", path, "multipart/form-data; boundary=" + boundary, body);
}

Reply IopTestClient::get(const std::string& path_and_query) const {
  return send("GET", path_and_query, "", "");
}

Reply IopTestClient::postJson(const std::string& path, const std::string& json) const {
  return send("POST", path, "application/json", json);
}

Reply IopTestClient::send(const std::string& verb, const std::string& path,
                          const std::string& content_type, const std::string& body) const {
  Poco::Net::HTTPClientSession session("127.0.0.1", port_);
  session.setTimeout(Poco::Timespan(20, 0));
  Poco::Net::HTTPRequest req(verb, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!content_type.empty()) req.setContentType(content_type);
  if (verb == "POST") req.setContentLength(static_cast<std::streamsize>(body.size()));
  std::ostream& os = session.sendRequest(req);
  os << body;
  Poco::Net::HTTPResponse res;
  std::istream& is = session.receiveResponse(res);
  Reply r;
  r.status = res.getStatus();
  r.content_type = res.getContentType();
  r.location = res.get("Location", "");
  Poco::StreamCopier::copyToString(is, r.body);
  return r;
}

}  // namespace sac::sim::test
