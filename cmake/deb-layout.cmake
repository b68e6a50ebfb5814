# Run by CPack after it installed the files into its staging folder (one folder per component:
# cli/usr/…, server/usr/…), before it packs them: Debian's layout.
file(GLOB_RECURSE staged LIST_DIRECTORIES false "${CPACK_TEMPORARY_DIRECTORY}/*")
macro(staged_matching out regex)
  set(${out} ${staged})
  list(FILTER ${out} INCLUDE REGEX "${regex}")
endmacro()

# Debian's zsh reads packages' completions from vendor-completions (not site-functions).
staged_matching(staged_zsh "/share/zsh/site-functions/_pjm$")
foreach(file IN LISTS staged_zsh)
  get_filename_component(site_functions "${file}" DIRECTORY)
  get_filename_component(zsh "${site_functions}" DIRECTORY)
  file(MAKE_DIRECTORY "${zsh}/vendor-completions")
  file(RENAME "${file}" "${zsh}/vendor-completions/_pjm")
  file(GLOB left "${site_functions}/*")
  if(NOT left)
    file(REMOVE_RECURSE "${site_functions}")
  endif()
endforeach()

# Man pages and (native packages') changelogs are compressed: pjm.1.gz, changelog.gz.
staged_matching(staged_compressed "(/share/man/man1/pjm\\.1|/share/doc/[^/]+/changelog)$")
foreach(file IN LISTS staged_compressed)
  execute_process(COMMAND gzip -9n "${file}" COMMAND_ERROR_IS_FATAL ANY)
endforeach()

# /etc/default/pjm-serve is installed under the prefix (usr/etc/default); a package puts it in
# /etc.
staged_matching(staged_defaults "/usr/etc/default/pjm-serve$")
foreach(file IN LISTS staged_defaults)
  get_filename_component(default_dir "${file}" DIRECTORY)
  get_filename_component(usr_etc "${default_dir}" DIRECTORY)
  get_filename_component(usr "${usr_etc}" DIRECTORY)
  get_filename_component(root "${usr}" DIRECTORY)
  file(MAKE_DIRECTORY "${root}/etc/default")
  file(RENAME "${file}" "${root}/etc/default/pjm-serve")
  file(REMOVE_RECURSE "${usr_etc}")
endforeach()
