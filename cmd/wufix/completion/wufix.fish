# fish completion for wufix. Install it with:
#   wufix completion fish > ~/.config/fish/completions/wufix.fish
# The candidates come from wufix itself (wufix __complete), so they follow
# the commands, flags and the catalog's targets of the wufix that runs.

function __wufix_candidates
    set -l words (commandline -opc)
    $words[1] __complete --word=(commandline -ct) $words[2..-1] 2>/dev/null
end

# Where wufix offers nothing (a folder or a file), fish completes file names.
complete -c wufix -f -n '__wufix_candidates | string length -q' -a '(__wufix_candidates)'
complete -c wufix -F -n 'not __wufix_candidates | string length -q'
