#include "isms/cli/cli.hpp"

int main(int argc, char** argv) { return isms::cli::Main(argc, argv); }
