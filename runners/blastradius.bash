# bash completion for blastradius: commands, then each command's own options,
# read from its --help (so they stay in step), then file names.
_blastradius() {
	local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]:-} words
	if [ "$COMP_CWORD" = 1 ]; then
		words="$(blastradius --help 2>/dev/null | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}') help --help --version"
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
		return
	fi
	case $cmd in
	help) mapfile -t COMPREPLY < <(compgen -W "$(blastradius --help 2>/dev/null | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}')" -- "$cur"); return ;;
	kernels) [ "$COMP_CWORD" = 2 ] && { mapfile -t COMPREPLY < <(compgen -W "list fetch" -- "$cur"); return; } ;;
	seccomp) [ "$COMP_CWORD" = 2 ] && { mapfile -t COMPREPLY < <(compgen -W "dump list actions" -- "$cur"); return; } ;;
	esac
	if [[ $cur == -* ]]; then
		words=$(blastradius "$cmd" --help 2>/dev/null | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u)
		mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
	else
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
}
complete -o filenames -F _blastradius blastradius
