// sac-sim: the marketplace simulator as a standalone server (see sim/README.md).
#include <Poco/NumberParser.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include <iostream>
#include <vector>

#include "sac/sim/SimServer.h"

namespace {

class SimApp : public Poco::Util::ServerApplication {
protected:
  void defineOptions(Poco::Util::OptionSet& options) override {
    ServerApplication::defineOptions(options);
    auto add = [&](const char* name, const char* arg, const char* text, bool repeatable = false) {
      Poco::Util::Option o(name, "", text);
      o.required(false).repeatable(repeatable);
      if (arg) o.argument(arg);
      o.callback(Poco::Util::OptionCallback<SimApp>(this, &SimApp::onOption));
      options.addOption(o);
    };
    add("help", nullptr, "show this help");
    add("host", "ADDR", "bind address (default 127.0.0.1)");
    add("port", "N", "port (default 8090; 0 = any free port)");
    add("seed", "N", "population seed (default 42)");
    add("disputes", "N", "disputes per store (default 120)");
    add("app-key", "KEY", "store app key (repeatable; default demo-app-key)", true);
    add("app-secret", "SECRET", "app secret, paired with --app-key by position", true);
    add("access-token", "TOKEN", "pre-issued access token, paired by position", true);
    add("refresh-token", "TOKEN", "pre-issued refresh token, paired by position", true);
    add("anchor-ms", "MS", "instant the population is generated around (epoch ms)");
    add("fixed-now-ms", "MS", "freeze the simulator clock at this instant (epoch ms)");
    add("fault-rate", "P", "probability 0..1 of a random transient fault per business call");
    add("lwa-client-id", "ID", "LWA client id (repeatable; default demo-lwa-client)", true);
    add("lwa-client-secret", "SECRET", "LWA client secret, paired with --lwa-client-id by position", true);
    add("lwa-refresh-token", "TOKEN", "seller refresh token of that client, paired by position", true);
    add("lwa-application-id", "ID",
        "SP-API application id of that client (consent page), paired by position", true);
    add("lwa-draft", nullptr, "the applications are drafts: their consent needs version=beta");
    add("amazon-seller-id", "ID", "selling_partner_id of the seller who confirms the consent");
    add("amazon-skus", "N", "Amazon FBA catalog size (default 40)");
    add("amazon-marketplace", "ID", "the seller's marketplace id (default ATVPDKIKX0DER)");
    add("amazon-polls", "N", "getReport call at which a report reaches its final status (default 3)");
    add("amazon-rate-multiplier", "X",
        "SP-API usage plans: documented rates times X per LWA client (default 1; 0 = not enforced)");
    add("omit-total-item", nullptr, "answer issue lists without total_item");
    add("blank-gmt-modified", nullptr, "answer issue lists with an empty gmt_modified");
    add("latency-ms", "N", "fixed latency added to every AliExpress call, ms (default 0)");
    add("churn-per-list-call", "K", "disputes every issue-list call moves between statuses (default 0)");
    add("app-qps", "N", "business calls per second per app key, then ApiCallLimit bans (default 0 = unlimited)");
    add("app-burst", "N", "calls the per-app-key bucket holds (default 0 = one second's worth)");
    add("ban-seconds", "N", "length of a rate-limit ban (default 1)");
    add("app-daily-calls", "N", "business calls per app key per Beijing day (default 0 = unlimited)");
    add("http-threads", "N", "HTTP worker threads = connections served at once (default 256)");
    add("verbose", nullptr, "log one line per request to stderr");
  }

  void onOption(const std::string& name, const std::string& value) {
    try {
      if (name == "help") help_ = true;
      else if (name == "host") config_.host = value;
      else if (name == "port") config_.port = static_cast<std::uint16_t>(Poco::NumberParser::parseUnsigned(value));
      else if (name == "seed") config_.seed = Poco::NumberParser::parseUnsigned64(value);
      else if (name == "disputes") config_.disputes = Poco::NumberParser::parseUnsigned(value);
      else if (name == "app-key") keys_.push_back(value);
      else if (name == "app-secret") secrets_.push_back(value);
      else if (name == "access-token") access_.push_back(value);
      else if (name == "refresh-token") refresh_.push_back(value);
      else if (name == "anchor-ms") config_.anchor_ms = Poco::NumberParser::parse64(value);
      else if (name == "fixed-now-ms") config_.fixed_now_ms = Poco::NumberParser::parse64(value);
      else if (name == "fault-rate") config_.fault_rate = Poco::NumberParser::parseFloat(value);
      else if (name == "omit-total-item") config_.omit_total_item = true;
      else if (name == "blank-gmt-modified") config_.blank_gmt_modified = true;
      else if (name == "latency-ms") config_.latency_ms = bounded(name, value, 0, 600000);
      else if (name == "churn-per-list-call") config_.churn_per_list_call = bounded(name, value, 0, 1000);
      else if (name == "app-qps") {
        config_.app_qps = Poco::NumberParser::parseFloat(value);
        if (!(config_.app_qps >= 0.0 && config_.app_qps <= 1e6)) {
          std::cerr << "sac-sim: expected --app-qps between 0 and 1000000, got \"" << value << "\"\n";
          bad_ = true;
        }
      }
      else if (name == "app-burst") config_.app_burst = bounded(name, value, 0, 1000000);
      else if (name == "ban-seconds") config_.ban_seconds = bounded(name, value, 1, 86400);
      else if (name == "app-daily-calls") {
        const auto n = Poco::NumberParser::parseUnsigned64(value);
        if (n > 1'000'000'000'000ULL) {
          std::cerr << "sac-sim: expected --app-daily-calls between 0 and 1000000000000, got \"" << value << "\"\n";
          bad_ = true;
        }
        config_.app_daily_calls = static_cast<std::int64_t>(n);
      }
      else if (name == "http-threads") config_.http_threads = bounded(name, value, 4, 4096);
      else if (name == "lwa-client-id") lwa_ids_.push_back(value);
      else if (name == "lwa-client-secret") lwa_secrets_.push_back(value);
      else if (name == "lwa-refresh-token") lwa_refresh_.push_back(value);
      else if (name == "lwa-application-id") lwa_apps_.push_back(value);
      else if (name == "lwa-draft") lwa_draft_ = true;
      else if (name == "amazon-seller-id") config_.amazon.selling_partner_id = value;
      else if (name == "amazon-skus") config_.amazon.skus = Poco::NumberParser::parseUnsigned(value);
      else if (name == "amazon-marketplace") {
        if (!sac::sim::AmazonMarketplace::byId(value)) {
          std::cerr << "sac-sim: expected a known marketplace id for --amazon-marketplace "
                       "(ATVPDKIKX0DER, A2Q3Y263D00KWC, A1PA6795UKMFR9, ...), got \""
                    << value << "\"\n";
          bad_ = true;
        }
        config_.amazon.marketplace_id = value;
      }
      else if (name == "amazon-polls") config_.amazon.polls_to_done = static_cast<int>(Poco::NumberParser::parseUnsigned(value));
      else if (name == "amazon-rate-multiplier") {
        config_.amazon.rate_multiplier = Poco::NumberParser::parseFloat(value);
        if (!(config_.amazon.rate_multiplier >= 0.0 && config_.amazon.rate_multiplier <= 1e6)) {
          std::cerr << "sac-sim: expected --amazon-rate-multiplier between 0 and 1000000, got \"" << value << "\"\n";
          bad_ = true;
        }
      }
      else if (name == "verbose") config_.verbose = true;
    } catch (const Poco::Exception&) {
      std::cerr << "sac-sim: expected a number for --" << name << ", got \"" << value << "\"\n";
      bad_ = true;
    }
    if (help_) stopOptionsProcessing();
  }

  int bounded(const std::string& name, const std::string& value, int lo, int hi) {
    const int v = Poco::NumberParser::parse(value);
    if (v < lo || v > hi) {
      std::cerr << "sac-sim: expected --" << name << " between " << lo << " and " << hi
                << ", got \"" << value << "\"\n";
      bad_ = true;
    }
    return v;
  }

  int main(const std::vector<std::string>&) override {
    if (help_) {
      Poco::Util::HelpFormatter f(options());
      f.setCommand(commandName());
      f.setUsage("[options]");
      f.setHeader("Marketplace simulator (AliExpress IOP gateway, Amazon LWA + SP-API Reports) for tests and demos.");
      f.format(std::cout);
      return EXIT_OK;
    }
    if (bad_) return EXIT_USAGE;
    if (!keys_.empty()) {
      config_.stores.clear();
      for (std::size_t i = 0; i < keys_.size(); ++i) {
        sac::sim::SimStoreConfig s;
        s.app_key = keys_[i];
        s.app_secret = i < secrets_.size() ? secrets_[i] : keys_[i] + "-secret";
        s.access_token = i < access_.size() ? access_[i] : (i == 0 ? s.access_token : keys_[i] + "-access-token");
        s.refresh_token = i < refresh_.size() ? refresh_[i] : (i == 0 ? s.refresh_token : keys_[i] + "-refresh-token");
        s.seller_id = std::to_string(2000000000000001LL + static_cast<long long>(i));
        s.user_nick = "br_store_" + std::to_string(i + 1);
        config_.stores.push_back(s);
      }
    } else {
      if (!secrets_.empty()) config_.stores[0].app_secret = secrets_[0];
      if (!access_.empty()) config_.stores[0].access_token = access_[0];
      if (!refresh_.empty()) config_.stores[0].refresh_token = refresh_[0];
    }
    if (!lwa_ids_.empty()) {
      config_.amazon.clients.clear();
      for (std::size_t i = 0; i < lwa_ids_.size(); ++i) {
        sac::sim::LwaClientConfig c;
        c.client_id = lwa_ids_[i];
        c.client_secret = i < lwa_secrets_.size() ? lwa_secrets_[i] : lwa_ids_[i] + "-secret";
        c.refresh_token = i < lwa_refresh_.size() ? lwa_refresh_[i] : "Atzr|" + lwa_ids_[i] + "-refresh";
        c.application_id =
            i < lwa_apps_.size() ? lwa_apps_[i] : "amzn1.sp.solution." + lwa_ids_[i];
        config_.amazon.clients.push_back(c);
      }
    } else {
      if (!lwa_secrets_.empty()) config_.amazon.clients[0].client_secret = lwa_secrets_[0];
      if (!lwa_refresh_.empty()) config_.amazon.clients[0].refresh_token = lwa_refresh_[0];
      if (!lwa_apps_.empty()) config_.amazon.clients[0].application_id = lwa_apps_[0];
    }
    for (auto& c : config_.amazon.clients) c.draft = lwa_draft_;
    try {
      sac::sim::SimServer server(config_);
      server.start();
      std::cout << "sac-sim listening on " << server.baseUrl() << " (" << config_.disputes
                << " disputes per store, " << config_.amazon.skus << " Amazon SKUs, seed "
                << config_.seed << ")" << std::endl;
      waitForTerminationRequest();
      server.stop();
    } catch (const Poco::Exception& e) {
      std::cerr << "sac-sim: cannot start on " << config_.host << ":" << config_.port << ": "
                << e.displayText() << '\n';
      return EXIT_SOFTWARE;
    }
    return EXIT_OK;
  }

private:
  sac::sim::SimConfig config_;
  std::vector<std::string> keys_, secrets_, access_, refresh_;
  std::vector<std::string> lwa_ids_, lwa_secrets_, lwa_refresh_, lwa_apps_;
  bool lwa_draft_ = false;
  bool help_ = false;
  bool bad_ = false;
};

}  // namespace

POCO_SERVER_MAIN(SimApp)
