// A mail address as shown and stored: display name (may be empty) and addr-spec.
export interface Address {
  name: string;
  address: string;
}
