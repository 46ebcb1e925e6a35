/**
 * A token table's last cell: "Revoke…", which asks once ("Revoke now" / "Cancel") before it revokes.
 * `asking` is whether this row is the one being asked about; the table keeps which row that is.
 */
export function RevokeCell(props: { name: string; asking: boolean; busy: boolean; ask(): void; cancel(): void; revoke(): void }) {
  return (
    <td>
      {props.asking ? (
        <span class="row">
          <button type="button" class="danger" onClick={props.revoke} disabled={props.busy}>Revoke now</button>
          <button type="button" onClick={props.cancel}>Cancel</button>
        </span>
      ) : (
        <button type="button" class="danger" aria-label={`Revoke ${props.name}`} onClick={props.ask}>Revoke…</button>
      )}
    </td>
  );
}
