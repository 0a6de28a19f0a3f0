# isms_add_module(NAME SRCS … DEPS … [TESTS … TEST_DEPS …] [TEST_LABELS …])
#   One static library per module (target isms_NAME). Its DEPS line is the architecture: a module may
#   only use what it names here. TESTS are GoogleTest sources beside the code; they form one test
#   executable per module (isms_NAME_test), registered with ctest under the label "unit" by default.
function(isms_add_module NAME)
  cmake_parse_arguments(M "" "" "SRCS;DEPS;TESTS;TEST_DEPS;TEST_LABELS" ${ARGN})
  add_library(isms_${NAME} STATIC ${M_SRCS})
  target_include_directories(isms_${NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(isms_${NAME} PUBLIC ${M_DEPS})
  if(M_TESTS AND ISMS_BUILD_TESTS)
    isms_add_test(isms_${NAME}_test SRCS ${M_TESTS} DEPS isms_${NAME} ${M_TEST_DEPS} LABELS ${M_TEST_LABELS})
  endif()
endfunction()

# isms_test_code_options(TARGET)
#   The test code itself (not the modules it tests, which stay at -O2 like the binary) is compiled with -Og in a
#   release build: about 35-45 % less compile time for test sources (a third of the build), and what tests
#   measure runs in the -O2 libraries and the real binary.
function(isms_test_code_options TARGET)
  target_compile_options(${TARGET} PRIVATE $<$<CONFIG:Release>:-Og>)
endfunction()

# isms_add_test(TARGET SRCS … DEPS … [LABELS label])   (unit, integration, e2e, slow; default unit)
#   Every test may use the PostgreSQL test cluster (ctest fixture "pg").
function(isms_add_test TARGET)
  cmake_parse_arguments(T "" "" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  add_executable(${TARGET} ${T_SRCS})
  isms_test_code_options(${TARGET})
  target_link_libraries(${TARGET} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${TARGET} PRIVATE ISMS_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                             ISMS_BINARY_DIR="${PROJECT_BINARY_DIR}")
  # Properties must be single values here (lists do not survive gtest_discover_tests' script): one label per
  # executable; tests find the build folder through the ISMS_BINARY_DIR compile definition.
  list(GET T_LABELS 0 label)
  gtest_discover_tests(${TARGET} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 30
                       WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
                       PROPERTIES LABELS ${label} FIXTURES_REQUIRED pg)
endfunction()

# isms_embed(TARGET NAME BASE_DIR FILES …)
#   Generates a C++ source that holds FILES (paths relative to BASE_DIR) as byte arrays and adds it to
#   TARGET, as the function isms_embedded_NAME() (declare it with ISMS_DECLARE_EMBEDDED(NAME); see
#   isms/core/embedded.hpp).
function(isms_embed TARGET NAME BASE_DIR)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded_${NAME}.cpp)
  set(abs_files)
  foreach(f ${ARGN})
    list(APPEND abs_files ${BASE_DIR}/${f})
  endforeach()
  add_custom_command(OUTPUT ${out}
    COMMAND isms_embedgen ${out} ${NAME} ${BASE_DIR} ${ARGN}
    DEPENDS isms_embedgen ${abs_files}
    COMMENT "Embedding ${NAME}" VERBATIM)
  target_sources(${TARGET} PRIVATE ${out})
endfunction()
