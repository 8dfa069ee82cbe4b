#include "AmazonTestClient.h"

#include <Poco/InflatingStream.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cctype>
#include <sstream>

namespace sac::sim::test {

Poco::JSON::Object::Ptr HttpReply::json() const {
  try {
    Poco::JSON::Parser parser;
    const auto v = parser.parse(body);
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
  } catch (...) {
  }
  return nullptr;
}

std::string HttpReply::spError(const std::string& field) const {
  const auto j = json();
  if (!j || !j->has("errors")) return "";
  const auto arr = j->getArray("errors");
  if (!arr || arr->size() == 0) return "";
  const auto e = arr->getObject(0);
  if (!e || !e->has(field)) return "";
  return e->getValue<std::string>(field);
}

HttpReply AmazonTestClient::send(const std::string& verb, const std::string& path,
                                 const std::map<std::string, std::string>& headers,
                                 const std::string& content_type, const std::string& body) const {
  Poco::Net::HTTPClientSession session("127.0.0.1", port_);
  session.setTimeout(Poco::Timespan(30, 0));
  Poco::Net::HTTPRequest req(verb, path, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!content_type.empty()) req.setContentType(content_type);
  if (verb == "POST" || verb == "PUT" || !body.empty())
    req.setContentLength(static_cast<std::streamsize>(body.size()));
  std::ostream& os = session.sendRequest(req);
  os << body;
  Poco::Net::HTTPResponse res;
  std::istream& is = session.receiveResponse(res);
  HttpReply r;
  r.status = res.getStatus();
  r.content_type = res.getContentType();
  for (const auto& [k, v] : res) {
    std::string name = k;
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = v;
  }
  Poco::StreamCopier::copyToString(is, r.body);
  return r;
}

std::string AmazonTestClient::formEncode(const std::map<std::string, std::string>& form) {
  std::string o;
  for (const auto& [k, v] : form) {
    if (!o.empty()) o += '&';
    std::string ek, ev;
    Poco::URI::encode(k, "!#$&'()*+,/:;=?@[]|", ek);
    Poco::URI::encode(v, "!#$&'()*+,/:;=?@[]|", ev);
    o += ek + "=" + ev;
  }
  return o;
}

HttpReply AmazonTestClient::token(const std::string& client_id, const std::string& secret,
                                  const std::string& refresh_token,
                                  const std::string& grant_type) const {
  std::map<std::string, std::string> form;
  if (!grant_type.empty()) form["grant_type"] = grant_type;
  if (!refresh_token.empty()) form["refresh_token"] = refresh_token;
  if (!client_id.empty()) form["client_id"] = client_id;
  if (!secret.empty()) form["client_secret"] = secret;
  return send("POST", "/auth/o2/token", {}, "application/x-www-form-urlencoded;charset=UTF-8",
              formEncode(form));
}

std::string AmazonTestClient::accessToken() const {
  const auto r = token("demo-lwa-client", "demo-lwa-secret", "Atzr|demo-refresh");
  const auto j = r.json();
  if (r.status != 200 || !j || !j->has("access_token")) return "";
  return j->getValue<std::string>("access_token");
}

HttpReply AmazonTestClient::createReport(const std::string& access_token,
                                         const std::string& json_body) const {
  return send("POST", "/reports/2021-06-30/reports", {{"x-amz-access-token", access_token}},
              "application/json", json_body);
}

HttpReply AmazonTestClient::createReportOfType(const std::string& access_token,
                                               const std::string& type) const {
  return createReport(access_token,
                      R"({"reportType":")" + type + R"(","marketplaceIds":["ATVPDKIKX0DER"]})");
}

HttpReply AmazonTestClient::getReport(const std::string& access_token,
                                      const std::string& report_id) const {
  return send("GET", "/reports/2021-06-30/reports/" + report_id,
              {{"x-amz-access-token", access_token}});
}

HttpReply AmazonTestClient::getDocument(const std::string& access_token,
                                        const std::string& document_id) const {
  return send("GET", "/reports/2021-06-30/documents/" + document_id,
              {{"x-amz-access-token", access_token}});
}

HttpReply AmazonTestClient::fetchUrl(const std::string& url) const {
  const Poco::URI uri(url);
  return send("GET", uri.getPathAndQuery());
}

Poco::JSON::Object::Ptr AmazonTestClient::runReport(const std::string& access_token,
                                                    const std::string& json_body,
                                                    std::string* failure) const {
  const HttpReply created = createReport(access_token, json_body);
  const auto cj = created.json();
  if (created.status != 202 || !cj || !cj->has("reportId")) {
    *failure = "createReport answered " + std::to_string(created.status) + ": " + created.body;
    return nullptr;
  }
  const std::string id = cj->getValue<std::string>("reportId");
  for (int i = 0; i < 10; ++i) {
    const HttpReply r = getReport(access_token, id);
    const auto j = r.json();
    if (r.status != 200 || !j) {
      *failure = "getReport answered " + std::to_string(r.status) + ": " + r.body;
      return nullptr;
    }
    const std::string s = j->getValue<std::string>("processingStatus");
    if (s == "DONE" || s == "CANCELLED" || s == "FATAL") return j;
  }
  *failure = "report " + id + " did not finish within 10 polls";
  return nullptr;
}

std::string AmazonTestClient::downloadReport(const std::string& access_token,
                                             const std::string& type, std::string* compression,
                                             std::string* failure) const {
  const auto report = runReport(
      access_token, R"({"reportType":")" + type + R"(","marketplaceIds":["ATVPDKIKX0DER"]})",
      failure);
  if (!report) return "";
  if (report->getValue<std::string>("processingStatus") != "DONE") {
    *failure = "expected DONE, got " + report->getValue<std::string>("processingStatus");
    return "";
  }
  const HttpReply doc =
      getDocument(access_token, report->getValue<std::string>("reportDocumentId"));
  const auto dj = doc.json();
  if (doc.status != 200 || !dj) {
    *failure = "getReportDocument answered " + std::to_string(doc.status) + ": " + doc.body;
    return "";
  }
  *compression = dj->has("compressionAlgorithm")
                     ? dj->getValue<std::string>("compressionAlgorithm")
                     : std::string();
  const HttpReply file = fetchUrl(dj->getValue<std::string>("url"));
  if (file.status != 200) {
    *failure = "document download answered " + std::to_string(file.status) + ": " + file.body;
    return "";
  }
  return file.body;
}

std::string AmazonTestClient::gunzip(const std::string& bytes) {
  std::istringstream in(bytes);
  Poco::InflatingInputStream z(in, Poco::InflatingStreamBuf::STREAM_GZIP);
  std::string out;
  Poco::StreamCopier::copyToString(z, out);
  return out;
}

std::vector<std::vector<std::string>> AmazonTestClient::parseTsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> fields;
    std::size_t f = 0;
    while (true) {
      const std::size_t tab = line.find('\t', f);
      fields.push_back(line.substr(f, tab == std::string::npos ? std::string::npos : tab - f));
      if (tab == std::string::npos) break;
      f = tab + 1;
    }
    rows.push_back(std::move(fields));
    pos = end + 1;
  }
  return rows;
}

}  // namespace sac::sim::test
