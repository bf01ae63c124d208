/** An error the user must read, announced by screen readers as it appears; nothing when there is none. */
export function ErrorLine({ message }: { readonly message: string | undefined }) {
  if (message === undefined) return null;
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}
