# isms_embed_web(TARGET)
#   Builds the web application (web/, Svelte + Vite) into ${CMAKE_BINARY_DIR}/web-dist and embeds every file
#   of it into TARGET as isms_embedded_web() (see src/isms/api/web_assets.hpp).
#
#   - npm dependencies: `npm ci` runs when web/package-lock.json is newer than web/node_modules (scripts/deps.sh
#     does the same; this keeps a fresh checkout or a changed lock file building).
#   - No file globs: Vite writes a depfile naming every source module it bundled (web/vite.config.ts), so
#     Ninja rebuilds the application exactly when one of them changes; embedgen --dir lists the output folder
#     when it runs, so hashed asset names need not be known to CMake.
#   With ISMS_BUILD_WEB=OFF nothing is built and the server answers / with a short page pointing at the API.
function(isms_embed_web TARGET)
  if(NOT ISMS_BUILD_WEB)
    isms_embed(${TARGET} web ${CMAKE_CURRENT_SOURCE_DIR})
    return()
  endif()
  find_program(ISMS_NODE node REQUIRED)
  find_program(ISMS_NPM npm REQUIRED)
  set(web ${PROJECT_SOURCE_DIR}/web)
  set(dist ${CMAKE_BINARY_DIR}/web-dist)
  set(stamp ${CMAKE_BINARY_DIR}/web-deps.stamp)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded_web.cpp)
  add_custom_command(OUTPUT ${stamp}
    COMMAND sh -c "if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 '${ISMS_NPM}' ci --no-audit --no-fund --loglevel=error; fi"
    COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
    WORKING_DIRECTORY ${web}
    DEPENDS ${web}/package-lock.json ${web}/package.json
    COMMENT "Checking the web application's npm dependencies" VERBATIM)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E env ISMS_WEB_DEPFILE=${out}.d ISMS_WEB_DEPTARGET=${out}
            ${ISMS_NODE} node_modules/vite/bin/vite.js build --outDir ${dist} --emptyOutDir --logLevel warn
    COMMAND isms_embedgen ${out} web --dir ${dist}
    WORKING_DIRECTORY ${web}
    DEPENDS ${stamp} isms_embedgen ${web}/vite.config.ts ${web}/index.html
    DEPFILE ${out}.d
    COMMENT "Building and embedding the web application" VERBATIM)
  target_sources(${TARGET} PRIVATE ${out})
endfunction()
