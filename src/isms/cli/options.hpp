// Optional command-line values: "was this option given?" matters for edits (an unset option keeps the stored
// value, an option given as "" clears it). Each wraps the storage CLI11 writes into and the option itself.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace isms::cli {

template <class T>
struct OptionalValue {
    T value{};
    CLI::Option* option = nullptr;
    bool given() const { return option && option->count() > 0; }
    std::optional<T> get() const { return given() ? std::optional<T>(value) : std::nullopt; }
    OptionalValue& Add(CLI::App* cmd, const std::string& name, const std::string& description) {
        option = cmd->add_option(name, value, description);
        return *this;
    }
};

using OptionalString = OptionalValue<std::string>;
using OptionalInt = OptionalValue<int>;
using OptionalList = OptionalValue<std::vector<std::string>>;

}  // namespace isms::cli
