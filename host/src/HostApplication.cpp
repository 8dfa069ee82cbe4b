#include "sac/host/HostApplication.h"

#include "sac/host/AdminCommands.h"
#include "sac/host/Clock.h"
#include "sac/host/Host.h"
#include "sac/host/HostConfig.h"
#include "sac/host/JobRunner.h"
#include "sac/host/MainMenu.h"
#include "sac/host/ModuleLoader.h"
#include "sac/host/Redactor.h"
#include "sac/host/RouteTable.h"
#include "sac/sql/Database.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/Environment.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/IntValidator.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionCallback.h>
#include <Poco/Util/OptionSet.h>

#include <fstream>
#include <iostream>
#include <map>

namespace sac::host {

using Poco::Util::Option;
using Poco::Util::OptionCallback;

namespace {

const std::map<std::string, std::string>& settingKeys() {
    static const std::map<std::string, std::string> keys = {
        {"listen", "host.listen"},       {"modules", "host.modules"},     {"database", "host.database"},
        {"data-dir", "host.data_dir"},   {"log-level", "host.log_level"},
    };
    return keys;
}

int fail(int code, const std::string& message) {
    std::cerr << "sac-host: " << redactSecrets(message) << std::endl;
    return code;
}

std::string trimLineEnd(std::string s) {
    auto nl = s.find_first_of("\r\n");
    if (nl != std::string::npos) s.resize(nl);
    return s;
}

} // namespace

HostApplication::HostApplication() { setUnixOptions(true); }

void HostApplication::defineOptions(Poco::Util::OptionSet& options) {
    ServerApplication::defineOptions(options);
    options.addOption(Option("help", "h", "show the options and exit")
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleHelp)));
    options.addOption(Option("config", "", "load a configuration file (.properties or .ini)")
                          .argument("FILE")
                          .repeatable(true)
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleConfig)));
    options.addOption(Option("listen", "", "address and port to listen on (host.listen, default 127.0.0.1:8080)")
                          .argument("ADDR:PORT")
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleSetting)));
    options.addOption(Option("modules", "", "folder whose sub-folders hold a manifest.json (host.modules)")
                          .argument("DIR")
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleSetting)));
    options.addOption(Option("database", "", "database URL, sqlite:PATH or mysql://... (host.database)")
                          .argument("URL")
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleSetting)));
    options.addOption(Option("data-dir", "", "data folder, default ./data (host.data_dir)")
                          .argument("DIR")
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleSetting)));
    options.addOption(Option("log-level", "", "trace, debug, information, notice, warning, error, critical, fatal")
                          .argument("LEVEL")
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleSetting)));
    options.addOption(Option("create-account", "", "create an account (company) and exit")
                          .argument("NAME")
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleCommand)));
    options.addOption(Option("create-user", "", "create a user and exit (password from SAC_PASSWORD or --password-file)")
                          .argument("LOGIN")
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleCommand)));
    options.addOption(Option("list-users", "", "list the users and exit")
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleCommand)));
    options.addOption(Option("migrate-only", "", "apply the host's and the modules' migrations and exit")
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleCommand)));
    options.addOption(Option("account", "", "account of --create-user")
                          .argument("NAME")
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleValue)));
    options.addOption(Option("role", "", "role of --create-user: admin or seller")
                          .argument("ROLE")
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleValue)));
    options.addOption(Option("email", "", "e-mail of --create-user")
                          .argument("EMAIL")
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleValue)));
    options.addOption(Option("name", "", "display name of --create-user")
                          .argument("DISPLAY")
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleValue)));
    options.addOption(Option("password-file", "", "file whose first line is the password of --create-user")
                          .argument("FILE")
                          .callback(OptionCallback<HostApplication>(this, &HostApplication::handleValue)));
}

void HostApplication::handleHelp(const std::string&, const std::string&) {
    _help = true;
    stopOptionsProcessing();
}

void HostApplication::handleConfig(const std::string&, const std::string& value) { loadConfiguration(value); }

void HostApplication::handleSetting(const std::string& name, const std::string& value) {
    config().setString(settingKeys().at(name), value);
}

void HostApplication::handleCommand(const std::string& name, const std::string& value) {
    if (!_command.empty() && _command != name)
        throw Poco::Util::IncompatibleOptionsException("--" + _command + " and --" + name + " cannot be combined");
    _command = name;
    _commandArg = value;
}

void HostApplication::handleValue(const std::string& name, const std::string& value) {
    if (name == "account") _account = value;
    else if (name == "role") _role = value;
    else if (name == "email") _email = value;
    else if (name == "name") _displayName = value;
    else if (name == "password-file") _passwordFile = value;
}

void HostApplication::initialize(Poco::Util::Application& self) {
    ServerApplication::initialize(self);
    setupLogging();
}

void HostApplication::setupLogging() {
    Poco::AutoPtr<Poco::PatternFormatter> pattern(new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t"));
    Poco::AutoPtr<Poco::Formatter> redacting(new RedactingFormatter(pattern));
    Poco::AutoPtr<Poco::Channel> sink;
    const std::string file = config().getString("host.log_file", "");
    if (!file.empty()) {
        Poco::AutoPtr<Poco::FileChannel> fc(new Poco::FileChannel(file));
        fc->setProperty("rotation", "10 M");
        fc->setProperty("archive", "timestamp");
        fc->setProperty("purgeCount", "5");
        sink = fc;
    } else {
        sink = new Poco::ConsoleChannel;
    }
    Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(redacting, sink));
    Poco::Logger::setChannel("", channel);
    const std::string level = config().getString("host.log_level", "information");
    try {
        Poco::Logger::setLevel("", Poco::Logger::parseLevel(level));
    } catch (const Poco::Exception&) {
        Poco::Logger::setLevel("", Poco::Message::PRIO_INFORMATION);
        Poco::Logger::get("sac.host").warning("host.log_level: expected trace..fatal, found \"" + level + "\"");
    }
    logger().setChannel(channel);
}

int HostApplication::main(const std::vector<std::string>& args) {
    if (_help) {
        Poco::Util::HelpFormatter help(options());
        help.setCommand(commandName());
        help.setUsage("[--config=FILE] [--listen=ADDR:PORT] [--modules=DIR] [--database=URL] [--data-dir=DIR]");
        help.setHeader("The reference ERP host: loads modules by manifest and serves them over HTTP.");
        help.format(std::cout);
        return EXIT_OK;
    }
    if (!args.empty()) return fail(EXIT_USAGE, "expected options only, found argument \"" + args.front() + "\"");

    Poco::Logger& log = Poco::Logger::get("sac.host");
    HostConfig cfg;
    try {
        cfg = HostConfig::fromConfiguration(config());
    } catch (const std::exception& e) {
        return fail(EXIT_CONFIG, e.what());
    }
    if (!_command.empty()) return runCommand();

    Poco::AutoPtr<Poco::Util::AbstractConfiguration> settings(&config(), true);
    Host host(cfg, settings, log);
    try {
        host.start();
    } catch (const HostStartError& e) {
        log.fatal(std::string("start failed: ") + e.what());
        return EXIT_SOFTWARE;
    }
    waitForTerminationRequest();
    log.information("termination requested");
    host.stop();
    return EXIT_OK;
}

int HostApplication::runCommand() {
    Poco::Logger& log = Poco::Logger::get("sac.host");
    HostConfig cfg = HostConfig::fromConfiguration(config());
    std::unique_ptr<Clock> clock;
    if (cfg.fakeClockMs) clock = std::make_unique<FixedClock>(*cfg.fakeClockMs);
    else clock = std::make_unique<SystemClock>();

    std::unique_ptr<sql::Database> db;
    try {
        db = openHostDatabase(cfg, log);
    } catch (const HostStartError& e) {
        return fail(EXIT_SOFTWARE, e.what());
    }
    try {
        AdminCommands admin(*db, *clock, PasswordHasher(cfg.pbkdf2Iterations));
        if (_command == "create-account") {
            auto id = admin.createAccount(_commandArg);
            std::cout << "account \"" << _commandArg << "\" created (id " << id << ")" << std::endl;
        } else if (_command == "create-user") {
            NewUser u;
            u.login = _commandArg;
            u.account = _account;
            u.role = _role;
            u.email = _email;
            u.displayName = _displayName;
            if (!_passwordFile.empty()) {
                std::ifstream in(_passwordFile);
                if (!in) return fail(EXIT_NOINPUT, "expected a readable --password-file, found no file " + _passwordFile);
                std::getline(in, u.password);
                u.password = trimLineEnd(u.password);
            } else if (Poco::Environment::has("SAC_PASSWORD")) {
                u.password = Poco::Environment::get("SAC_PASSWORD");
            } else {
                return fail(EXIT_USAGE, "expected a password in SAC_PASSWORD or --password-file=FILE, found none");
            }
            auto id = admin.createUser(u);
            std::cout << "user \"" << u.login << "\" created (id " << id << ", " << u.role << " of \"" << u.account
                      << "\")" << std::endl;
        } else if (_command == "list-users") {
            admin.listUsers(std::cout);
        } else if (_command == "migrate-only") {
            // Loading the modules applies their migrations; they are stopped right after.
            Poco::AutoPtr<Poco::Util::AbstractConfiguration> settings(&config(), true);
            JobRunner jobs(Poco::Logger::get("sac.host.jobs"), 1, 16);
            RouteTable routes;
            MainMenu menu;
            ModuleLoader loader(ModuleEnvironment{log, *clock, *db, cfg.effectiveDatabaseUrl(), jobs, routes, menu,
                                                  settings.get(), cfg.jobThreads, cfg.httpThreads});
            if (!cfg.modulesDir.empty()) loader.loadAll(cfg.modulesDir);
            const auto loaded = loader.loadedIds();
            loader.shutdownAll();
            jobs.stop();
            std::cout << "migrations applied (host";
            for (const auto& id : loaded) std::cout << ", " << id;
            std::cout << ")" << std::endl;
            if (!loader.refused().empty()) return fail(EXIT_SOFTWARE, std::to_string(loader.refused().size()) + " module(s) refused");
        }
    } catch (const AdminError& e) {
        return fail(EXIT_DATAERR, e.what());
    } catch (const std::exception& e) {
        return fail(EXIT_SOFTWARE, e.what());
    }
    return EXIT_OK;
}

} // namespace sac::host
